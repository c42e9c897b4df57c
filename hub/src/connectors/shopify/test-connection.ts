/**
 * Test a connection: the token works, and the chosen location exists, is active and is not a
 * fulfilment-service location (those belong to another app).
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/queries/shop
 */
import type { ConnectionCheck } from '../../sync/connector.ts'
import { ShopifyError, type ShopifyRuntime } from './client.ts'
import { LOCATION_QUERY, SHOP_QUERY } from './queries.ts'
import { clientFor, type ShopifyContext } from './shared.ts'

export async function testConnection(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
): Promise<ConnectionCheck> {
  const client = clientFor(ctx, rt)
  const checks: ConnectionCheck['checks'] = []
  try {
    const { shop } = await client.request<{ shop: { name: string; myshopifyDomain: string } }>(
      SHOP_QUERY,
    )
    checks.push({
      name: 'access_token',
      ok: true,
      detail: `Connected to ${shop.name} (${shop.myshopifyDomain}).`,
    })
  } catch (err) {
    const reason =
      err instanceof ShopifyError
        ? err.message
        : `Shopify could not be reached: ${(err as Error).message}`
    checks.push({ name: 'access_token', ok: false, detail: reason })
    return { ok: false, summary: reason, checks }
  }
  const locationId = ctx.settings.location_id
  if (!locationId) {
    const detail =
      'No Shopify location is chosen; set settings.location_id to the location this warehouse ships from.'
    checks.push({ name: 'location', ok: false, detail })
    return { ok: false, summary: detail, checks }
  }
  const { location } = await client.request<{
    location: { id: string; name: string; isActive: boolean; isFulfillmentService: boolean } | null
  }>(LOCATION_QUERY, { id: locationId })
  let problem: string | null = null
  if (!location)
    problem = `The shop has no location ${locationId}; choose one of the shop's locations.`
  else if (!location.isActive)
    problem = `The location "${location.name}" is deactivated in Shopify; activate it or choose another.`
  else if (location.isFulfillmentService)
    problem = `The location "${location.name}" belongs to a fulfilment-service app; choose a location the merchant manages.`
  checks.push({
    name: 'location',
    ok: !problem,
    detail: problem ?? `Location "${location!.name}".`,
  })
  return problem
    ? { ok: false, summary: problem, checks }
    : {
        ok: true,
        summary: `Connected to Shopify; stock and orders use location "${location!.name}".`,
        checks,
      }
}
