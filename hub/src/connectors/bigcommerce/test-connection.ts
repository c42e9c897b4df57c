/**
 * "Test connection": one cheap read per scope the processes need — orders (`store_v2_orders`),
 * products (`store_v2_products`), inventory (`store_inventory`, and the configured location) —
 * naming the one that is missing; and whether BigCommerce can deliver webhooks to the hub.
 */
import type { ConnectionCheck, ConnectorContext } from '../../sync/connector.ts'
import { type BcClient, BcError } from './client.ts'
import { v3PageSchema } from './payloads.ts'
import { settingsOf } from './settings.ts'
import { webhookUrlProblem } from './webhooks.ts'

const SCOPE_NAMES = {
  orders: 'Orders (store_v2_orders, modify)',
  products: 'Products (store_v2_products)',
  inventory: 'Inventory (store_inventory, modify)',
} as const

export async function testConnection(
  ctx: ConnectorContext,
  client: BcClient,
): Promise<ConnectionCheck> {
  const settings = settingsOf(ctx)
  const checks: ConnectionCheck['checks'] = []
  const failures: Array<{ area: keyof typeof SCOPE_NAMES; err: BcError; required: boolean }> = []
  const probe = async (
    area: keyof typeof SCOPE_NAMES,
    required: boolean,
    call: () => Promise<string>,
  ) => {
    try {
      checks.push({ name: area, ok: true, detail: await call() })
    } catch (err) {
      if (!(err instanceof BcError)) throw err
      failures.push({ area, err, required })
      checks.push({
        name: area,
        ok: false,
        detail: err.status === 403 ? `The token lacks the ${SCOPE_NAMES[area]} scope.` : err.reason,
      })
    }
  }
  // https://developer.bigcommerce.com/docs/rest-management/orders/order-status#get-all-order-statuses
  await probe('orders', true, async () => {
    await client.get('v2', '/order_statuses')
    return 'Orders can be read.'
  })
  // https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
  await probe('products', true, async () => {
    await client.get('v3', '/catalog/products', { limit: 1, include_fields: 'id' })
    return 'Products can be read.'
  })
  // https://developer.bigcommerce.com/docs/rest-management/inventory/locations#get-locations
  await probe('inventory', settings.processes.stock, async () => {
    const res = await client.get('v3', '/inventory/locations', {
      'location_id:in': settings.inventory_location_id,
    })
    const found = v3PageSchema.parse(res.body ?? { data: [] }).data.length > 0
    if (!found)
      throw new BcError(
        404,
        `BigCommerce has no inventory location ${settings.inventory_location_id}; set inventory_location_id to one of the store's locations.`,
        false,
      )
    return `Inventory location ${settings.inventory_location_id} found.`
  })

  const hookProblem = webhookUrlProblem(ctx.webhookUrl)
  checks.push({
    name: 'webhooks',
    ok: !hookProblem,
    detail: !ctx.webhookUrl
      ? `The hub has no public URL, so orders arrive by polling every ${settings.interval_minutes} minutes.`
      : hookProblem
        ? `${hookProblem}; orders arrive by polling every ${settings.interval_minutes} minutes.`
        : `Webhooks will be delivered to ${new URL(ctx.webhookUrl).origin}.`,
  })

  const all = failures.length === 3
  if (
    failures.some((f) => f.err.status === 401) ||
    (all && failures.every((f) => f.err.status === 403))
  ) {
    const e = failures[0]!.err
    return {
      ok: false,
      summary:
        e.status === 401
          ? 'BigCommerce rejected the access token: create a store-level API account (V2/V3 token) and paste its access token.'
          : `BigCommerce refused every request: check that the store hash "${ctx.connection.shopRef}" is the one in the token's API path.`,
      checks,
    }
  }
  const required = failures.filter((f) => f.required)
  if (required.length) {
    const missing = required.filter((f) => f.err.status === 403).map((f) => SCOPE_NAMES[f.area])
    return {
      ok: false,
      summary: missing.length
        ? `The access token lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''}: edit the API account in BigCommerce (Settings → Store-level API accounts), grant it, and paste the new token.`
        : `BigCommerce could not be checked: ${required[0]!.err.reason}`,
      checks,
    }
  }
  const notes: string[] = []
  const optional = failures.find((f) => !f.required)
  if (optional)
    notes.push(
      optional.err.status === 403
        ? `the token lacks the ${SCOPE_NAMES[optional.area]} scope, which stock sync will need`
        : optional.err.reason.replace(/\.$/, ''),
    )
  if (hookProblem) notes.push(`${hookProblem}, so orders arrive by polling instead of at once`)
  return {
    ok: true,
    summary: notes.length
      ? `Connected to store ${ctx.connection.shopRef}, but ${notes.join('; and ')}.`
      : `Connected to store ${ctx.connection.shopRef}: orders, products and inventory can be read.`,
    checks,
  }
}
