/**
 * PostgreSQL text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"), and a
 * shop's note, name or address can carry one. Written as it came, one such order would fail its
 * whole batch on every run, keeping every order after it out. So every string value the hub binds
 * into a query (writes and look-ups alike) has U+0000 removed, on SQLite too, so both stores hold
 * the same. Nothing else is touched: other control characters, markup and unicode stay as sent.
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PrimitiveValueListNode,
  type ValueNode,
} from 'kysely'

const NUL = '\u0000'
const clean = (v: unknown) => (typeof v === 'string' && v.includes(NUL) ? v.replaceAll(NUL, '') : v)

class DropNul extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = clean(node.value)
    return value === node.value ? node : { ...node, value }
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return node.values.some((v) => clean(v) !== v)
      ? { ...node, values: node.values.map(clean) }
      : node
  }
}

const transformer = new DropNul()

export const dropNulPlugin: KyselyPlugin = {
  transformQuery: (args) => transformer.transformNode(args.node, args.queryId),
  transformResult: async (args) => args.result,
}
