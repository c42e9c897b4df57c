/**
 * Frozen migration: never edit after release; add a new one instead.
 * - article_links.shop_changed_mark: set (to a fresh id) when the shop changed a variant's stock by
 *   itself — a customer's order took it at checkout, a cancellation put it back — so what the hub
 *   last pushed is no longer what the shop has; the next stock run pushes the variant even if the
 *   hub's available quantity equals that last push. Cleared (if unchanged) once a push is queued
 *   or a reconcile read agrees.
 */
import type { Kysely } from 'kysely'

type Db = Kysely<any>

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('article_links').addColumn('shop_changed_mark', 'text').execute()
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('article_links').dropColumn('shop_changed_mark').execute()
}
