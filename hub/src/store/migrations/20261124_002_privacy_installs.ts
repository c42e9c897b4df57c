/**
 * Frozen migration: never edit after release; add a new one instead.
 * - orders.redact_requested_at / redacted_at: privacy erasure requests (Shopify's customers/redact
 *   and shop/redact), carried out at once for finished orders and when an open order is finished.
 * - pending_installs: the Shopify app's install state (OAuth `state` nonces and exchanged tokens
 *   waiting for the landing form) in the database, so any hub instance can finish an install.
 */
import type { Kysely } from 'kysely'

type Db = Kysely<any>

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('orders').addColumn('redact_requested_at', 'text').execute()
  await db.schema.alterTable('orders').addColumn('redacted_at', 'text').execute()
  await db.schema
    .createIndex('orders_redact_requested')
    .on('orders')
    .column('redact_requested_at')
    .execute()
  await db.schema
    .createTable('pending_installs')
    // sha256 of the nonce or install id: a copy of the database does not let anyone finish an install.
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('shop', 'text', (c) => c.notNull())
    // The exchanged access token, sealed with the hub's secret box; null for a state nonce.
    .addColumn('sealed_token', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('pending_installs').execute()
  await db.schema.dropIndex('orders_redact_requested').execute()
  await db.schema.alterTable('orders').dropColumn('redacted_at').execute()
  await db.schema.alterTable('orders').dropColumn('redact_requested_at').execute()
}
