/** Shipping-method mapping rules per goods owner (ordered, first match wins, `*` wildcards). */
import { matchShippingRule } from '../../../shared/src/shipping-rules.ts'
import type { Queryable } from '../store/db.ts'
import type { ShippingRule } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'

export async function listRules(db: Queryable, ownerId: string): Promise<ShippingRule[]> {
  return db
    .selectFrom('shipping_rules')
    .selectAll()
    .where('goods_owner_id', '=', ownerId)
    .orderBy('position')
    .orderBy('id')
    .execute()
}

/** Replaces the owner's rules with the given ordered list. */
export async function replaceRules(
  db: Queryable,
  ownerId: string,
  rules: Array<{ pattern: string; way_of_delivery: string }>,
): Promise<ShippingRule[]> {
  await db.deleteFrom('shipping_rules').where('goods_owner_id', '=', ownerId).execute()
  const now = nowIso()
  if (rules.length) {
    await db
      .insertInto('shipping_rules')
      .values(
        rules.map((r, i) => ({
          id: newId('shr'),
          goods_owner_id: ownerId,
          position: i,
          pattern: r.pattern.trim(),
          way_of_delivery: r.way_of_delivery.trim(),
          created_at: now,
        })),
      )
      .execute()
  }
  return listRules(db, ownerId)
}

export function resolveWayOfDelivery(
  rules: ShippingRule[],
  method: { code: string | null; name: string | null } | null,
): string | null {
  if (!method) return null
  return matchShippingRule(rules, [method.name, method.code])?.way_of_delivery ?? null
}
