/**
 * Connections to shops. Credentials are sealed with AES-256-GCM (bound to the connection id) and
 * never leave the hub: views say only which credentials are set.
 */
import { z } from 'zod'
import { PLATFORMS, type Platform } from '../../../shared/src/platforms.ts'
import { settingsSchemas } from '../../../shared/src/settings.ts'
import type { SecretBox } from '../crypto/secret-box.ts'
import { randomSecret } from '../crypto/tokens.ts'
import { HubError, invalid, notFound } from '../errors.ts'
import { parseJson, type Queryable } from '../store/db.ts'
import type { Connection } from '../store/schema.ts'
import type { ConnectorRegistry } from '../sync/connector.ts'
import { newId, nowIso } from '../util/ids.ts'

export function validateSettings(platform: Platform, input: unknown): Record<string, unknown> {
  const parsed = settingsSchemas[platform].safeParse(input ?? {})
  if (!parsed.success) {
    throw invalid(
      `The ${platform} settings are not valid.`,
      parsed.error.issues.map((i) => ({
        path: `/settings/${i.path.join('/')}`,
        message: i.message,
      })),
    )
  }
  return parsed.data as Record<string, unknown>
}

export function fingerprint(box: SecretBox, credentials: Record<string, string>): string {
  return box.fingerprint(
    JSON.stringify(Object.entries(credentials).sort(([a], [b]) => a.localeCompare(b))),
  )
}

export const createConnectionSchema = z.object({
  platform: z.enum(PLATFORMS),
  name: z.string().trim().min(1).max(200),
  goods_owner_id: z.string().optional(),
  base_url: z.string().trim().max(500).optional(),
  shop_ref: z.string().trim().max(500).optional(),
  credentials: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()).optional(),
})

export async function createConnection(
  db: Queryable,
  deps: { box: SecretBox; registry: ConnectorRegistry },
  ownerId: string,
  input: z.infer<typeof createConnectionSchema>,
): Promise<Connection> {
  const connector = deps.registry.get(input.platform)
  if (!connector)
    throw new HubError('not_configured', `This hub has no ${input.platform} connector.`)
  const settings = validateSettings(input.platform, input.settings)
  let parsed: ReturnType<typeof connector.parseConnection>
  try {
    parsed = connector.parseConnection({
      base_url: input.base_url,
      shop_ref: input.shop_ref,
      credentials: input.credentials,
    })
  } catch (err) {
    if (err instanceof HubError) throw err
    throw invalid((err as Error).message)
  }
  const id = newId('con')
  const now = nowIso()
  const credentialsFingerprint = fingerprint(deps.box, parsed.credentials)
  // Same keys as a connection to another URL: probably a staging copy of that shop. Hold it (no
  // scheduled runs, no writes) until a person confirms it by setting the status to active.
  const twin = await db
    .selectFrom('connections')
    .select(['id', 'base_url'])
    .where('platform', '=', input.platform)
    .where('credentials_fingerprint', '=', credentialsFingerprint)
    .where('base_url', '!=', parsed.baseUrl)
    .executeTakeFirst()
  const row: Connection = {
    id,
    goods_owner_id: ownerId,
    platform: input.platform,
    name: input.name,
    base_url: parsed.baseUrl,
    shop_ref: parsed.shopRef,
    settings: JSON.stringify(settings),
    credentials_enc: deps.box.sealJson(parsed.credentials, `connection:${id}`),
    credentials_fingerprint: credentialsFingerprint,
    webhook_secret_enc: deps.box.seal(randomSecret(), `connection-webhook:${id}`),
    status: twin ? 'needs_attention' : 'active',
    status_reason: twin
      ? `staging_copy_suspected: these credentials are already used by connection ${twin.id} for ${twin.base_url}; ${parsed.baseUrl} may be a copy (staging) of that shop. Nothing is synced or written until a person confirms (set status to active).`
      : null,
    next_run_at: now,
    last_full_stock_at: null,
    created_at: now,
    updated_at: now,
  }
  await db.insertInto('connections').values(row).execute()
  return row
}

export async function getConnection(
  db: Queryable,
  ownerId: string | null,
  id: string,
): Promise<Connection> {
  let q = db.selectFrom('connections').selectAll().where('id', '=', id)
  if (ownerId) q = q.where('goods_owner_id', '=', ownerId)
  const c = await q.executeTakeFirst()
  if (!c) throw notFound('connection', id)
  return c
}

export function connectionView(c: Connection, registry?: ConnectorRegistry) {
  return {
    id: c.id,
    goods_owner_id: c.goods_owner_id,
    platform: c.platform,
    name: c.name,
    base_url: c.base_url,
    shop_ref: c.shop_ref,
    settings: parseJson<Record<string, unknown>>(c.settings, {}),
    has_credentials: c.credentials_enc.length > 0,
    status: c.status,
    status_reason: c.status_reason,
    next_run_at: c.next_run_at,
    connector_available: registry ? registry.get(c.platform) !== undefined : undefined,
    created_at: c.created_at,
    updated_at: c.updated_at,
  }
}

export function openCredentials(box: SecretBox, c: Connection): Record<string, string> {
  return box.openJson<Record<string, string>>(c.credentials_enc, `connection:${c.id}`)
}

export function openWebhookSecret(box: SecretBox, c: Connection): string {
  return box.open(c.webhook_secret_enc, `connection-webhook:${c.id}`)
}
