/** Small helpers shared by the Shopify operations. */
import type { ShopifySettings } from '../../../../shared/src/settings.ts'
import type { ConnectorContext } from '../../sync/connector.ts'
import { ShopifyClient, ShopifyError, type ShopifyRuntime } from './client.ts'

export type ShopifyContext = ConnectorContext<ShopifySettings>

export function clientFor(ctx: ConnectorContext, rt: ShopifyRuntime): ShopifyClient {
  return new ShopifyClient(ctx, rt)
}

/** Shopify search dates must carry an explicit offset; without one the shop's time zone applies. */
export function searchDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Windows overlap by this much: Shopify timestamps have second precision and a record written in
 * the same second a window closed would otherwise fall between two windows. Re-reading a few
 * records is harmless (imports are idempotent).
 */
export const WINDOW_OVERLAP_MS = 120_000

export function overlapped(since: string): string {
  return searchDate(Date.parse(since) - WINDOW_OVERLAP_MS)
}

export function requireLocation(ctx: ShopifyContext): string {
  const id = ctx.settings.location_id
  if (!id)
    throw new ShopifyError(
      'graphql',
      'No Shopify location is chosen for this connection; set settings.location_id to the warehouse location.',
      false,
    )
  return id
}

export interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  nodes: T[]
}
