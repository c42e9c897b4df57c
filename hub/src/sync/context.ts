import { openCredentials, openWebhookSecret } from '../domain/connections.ts'
import type { Hub } from '../hub.ts'
import { parseJson } from '../store/db.ts'
import type { Connection } from '../store/schema.ts'
import type { ConnectorContext } from './connector.ts'

export function webhookUrlFor(hub: Hub, c: Connection): string | null {
  return hub.config.publicUrl ? `${hub.config.publicUrl}/webhooks/${c.platform}/${c.id}` : null
}

export function buildContext(
  hub: Hub,
  c: Connection,
  signal: AbortSignal,
  retried?: (reason: string) => void,
): ConnectorContext {
  return {
    ...(retried ? { retried } : {}),
    connection: {
      id: c.id,
      name: c.name,
      platform: c.platform,
      goodsOwnerId: c.goods_owner_id,
      baseUrl: c.base_url,
      shopRef: c.shop_ref,
    },
    settings: parseJson<Record<string, unknown>>(c.settings, {}),
    credentials: openCredentials(hub.box, c),
    webhookSecret: openWebhookSecret(hub.box, c),
    webhookUrl: webhookUrlFor(hub, c),
    log: hub.log.child({ connection_id: c.id, platform: c.platform }),
    signal,
    now: () => new Date(),
  }
}
