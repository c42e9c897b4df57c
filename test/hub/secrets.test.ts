import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ConnectorRegistry } from '../../hub/src/sync/connector.ts'
import { FakeShop, fakeConnector } from '../helpers/fake-connector.ts'
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../helpers/hub.ts'

const CONSUMER_KEY = 'ck_0123456789abcdef0123456789abcdef01234567'
const CONSUMER_SECRET = 'cs_fedcba9876543210fedcba9876543210fedcba98'
const ROTATED_SECRET = 'cs_aaaabbbbccccddddeeeeffff0000111122223333'

// A connector that behaves carelessly with its credentials (logs them, echoes them in errors),
// to prove the hub's own defences hold.
const base = fakeConnector(new FakeShop())
const careless = {
  ...base,
  parseConnection(input: { credentials: Record<string, unknown>; base_url?: string | undefined }) {
    return {
      baseUrl: input.base_url ?? 'https://shop.example.com',
      shopRef: 'shop.example.com',
      credentials: {
        consumer_key: String(input.credentials.consumer_key),
        consumer_secret: String(input.credentials.consumer_secret),
      },
    }
  },
  async testConnection(ctx: Parameters<typeof base.testConnection>[0]) {
    ctx.log.info(
      { credentials: ctx.credentials, consumer_secret: ctx.credentials.consumer_secret },
      'testing',
    )
    ctx.log.warn(
      `request to https://shop.example.com/wp-json/wc/v3?consumer_key=${ctx.credentials.consumer_key}&consumer_secret=${ctx.credentials.consumer_secret} failed`,
    )
    return {
      ok: false,
      summary: 'The shop answered 401: the consumer key is not valid.',
      checks: [],
    }
  },
}

let hub: TestHub
let connectionId: string
const bodies: string[] = []

beforeAll(async () => {
  hub = await startTestHub({
    registry: new ConnectorRegistry().register(careless as never),
    worker: false,
  })
  const owner = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Secretive' })).body.id
  const created = await hub.request('POST', '/api/v1/connections', {
    platform: 'woocommerce',
    name: 'Shop',
    goods_owner_id: owner,
    credentials: { consumer_key: CONSUMER_KEY, consumer_secret: CONSUMER_SECRET },
  })
  connectionId = created.body.id
  bodies.push(created.text)
  bodies.push((await hub.request('GET', `/api/v1/connections/${connectionId}`)).text)
  bodies.push((await hub.request('GET', '/api/v1/connections')).text)
  bodies.push((await hub.request('POST', `/api/v1/connections/${connectionId}/test`)).text)
  bodies.push(
    (
      await hub.request('PATCH', `/api/v1/connections/${connectionId}`, {
        credentials: { consumer_secret: ROTATED_SECRET },
      })
    ).text,
  )
  bodies.push((await hub.request('GET', '/api/v1/tokens')).text)
})
afterAll(async () => {
  await hub?.stop()
})

it('never returns credentials in API responses', () => {
  expect(bodies.length).toBeGreaterThan(4)
  for (const body of bodies) {
    for (const secret of [CONSUMER_KEY, CONSUMER_SECRET, ROTATED_SECRET, ADMIN_TOKEN])
      expect(body).not.toContain(secret)
  }
  expect(JSON.parse(bodies[1]!)).toMatchObject({ has_credentials: true })
})

it('never writes credentials to the logs, even when a connector logs them', () => {
  const logs = hub.logs.join('\n')
  expect(logs).toContain('testing')
  expect(logs).toContain('[redacted]')
  for (const secret of [CONSUMER_KEY, CONSUMER_SECRET, ROTATED_SECRET, ADMIN_TOKEN])
    expect(logs).not.toContain(secret)
})

it('keeps credentials and tokens out of the stored data in plain text', async () => {
  const stored: Array<{ where: string; bytes: Buffer }> = []
  if (hub.database.kind === 'sqlite') {
    // Checkpoint so everything is in the main file too, then read every file the store wrote.
    await sql`PRAGMA wal_checkpoint(FULL)`.execute(hub.running.hub.db)
    for (const f of readdirSync(hub.dataDir).filter((f) => f.startsWith('dockhand.sqlite'))) {
      stored.push({ where: f, bytes: readFileSync(join(hub.dataDir, f)) })
    }
  } else {
    const tables = await sql<{
      tablename: string
    }>`select tablename from pg_tables where schemaname = 'public'`.execute(hub.running.hub.db)
    for (const { tablename } of tables.rows) {
      const rows = await sql<{
        j: string
      }>`select row_to_json(t)::text as j from ${sql.table(tablename)} t`.execute(
        hub.running.hub.db,
      )
      stored.push({ where: tablename, bytes: Buffer.from(rows.rows.map((r) => r.j).join('\n')) })
    }
  }
  expect(stored.length).toBeGreaterThan(0)
  expect(stored.some((s) => s.bytes.includes(Buffer.from('Secretive')))).toBe(true)
  for (const { where, bytes } of stored) {
    for (const secret of [CONSUMER_KEY, CONSUMER_SECRET, ROTATED_SECRET, ADMIN_TOKEN]) {
      expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 6)}… in ${where}`).toBe(false)
      expect(
        bytes.includes(Buffer.from(secret.slice(3, 23))),
        `part of ${secret.slice(0, 6)}… in ${where}`,
      ).toBe(false)
    }
  }
})

it('can still decrypt the credentials it sealed (they are encrypted, not lost)', async () => {
  const row = await hub.running.hub.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow()
  expect(row.credentials_enc.startsWith('v1:')).toBe(true)
  const open = hub.running.hub.box.openJson<Record<string, string>>(
    row.credentials_enc,
    `connection:${row.id}`,
  )
  expect(open).toEqual({ consumer_key: CONSUMER_KEY, consumer_secret: ROTATED_SECRET })
  // Sealed to this connection: moving the ciphertext to another row does not decrypt.
  expect(() => hub.running.hub.box.open(row.credentials_enc, 'connection:other')).toThrow()
})

it('creates the key file with mode 0600', async () => {
  const { statSync } = await import('node:fs')
  expect(statSync(join(hub.dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
})
