/**
 * Frozen migration: never edit after release; add a new one instead. Uses Kysely<any> and no app
 * code. Portable: the only dialect-specific piece is the auto-increment integer key.
 */
import type { CreateTableBuilder, Kysely } from 'kysely'

type Db = Kysely<any>

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter.constructor.name.toLowerCase().includes('postgres')
}

export async function up(db: Db): Promise<void> {
  const pg = isPostgres(db)
  const autoKey =
    (name: string) =>
    (t: CreateTableBuilder<any, any>): CreateTableBuilder<any, any> =>
      pg
        ? t.addColumn(name, 'bigserial', (c) => c.primaryKey())
        : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())

  await db.schema
    .createTable('goods_owners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('goods_owner_id', 'text', (c) => c.references('goods_owners.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('goods_owner_id', 'text', (c) =>
      c.notNull().references('goods_owners.id').onDelete('cascade'),
    )
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('shop_ref', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('credentials_enc', 'text', (c) => c.notNull())
    .addColumn('credentials_fingerprint', 'text', (c) => c.notNull())
    .addColumn('webhook_secret_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('next_run_at', 'text')
    .addColumn('last_full_stock_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('connections_owner')
    .on('connections')
    .column('goods_owner_id')
    .execute()
  await db.schema
    .createIndex('connections_fingerprint')
    .on('connections')
    .column('credentials_fingerprint')
    .execute()

  await db.schema
    .createTable('articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('goods_owner_id', 'text', (c) =>
      c.notNull().references('goods_owners.id').onDelete('cascade'),
    )
    .addColumn('article_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('barcode', 'text')
    .addColumn('product_code', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('weight_kg', 'text')
    .addColumn('price', 'text')
    .addColumn('customer_price', 'text')
    .addColumn('purchase_price', 'text')
    .addColumn('currency', 'text')
    .addColumn('supplier', 'text')
    .addColumn('country_of_origin', 'text')
    .addColumn('hs_code', 'text')
    .addColumn('image_url', 'text')
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('stock_article', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('articles_owner_number', ['goods_owner_id', 'article_number'])
    .execute()

  await db.schema
    .createTable('article_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) =>
      c.notNull().references('articles.id').onDelete('cascade'),
    )
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('connections.id').onDelete('cascade'),
    )
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('variant_id', 'text')
    .addColumn('inventory_item_id', 'text')
    .addColumn('stock_tracked', 'integer', (c) => c.notNull())
    .addColumn('pushed_quantity', 'integer')
    .addColumn('queued_quantity', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('article_links_platform')
    .on('article_links')
    .columns(['connection_id', 'product_id', 'variant_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('article_links_article')
    .on('article_links')
    .column('article_id')
    .execute()

  await db.schema
    .createTable('shop_products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('connections.id').onDelete('cascade'),
    )
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('variant_id', 'text')
    .addColumn('sku', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('shop_products_platform')
    .on('shop_products')
    .columns(['connection_id', 'product_id', 'variant_id'])
    .unique()
    .execute()

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('goods_owner_id', 'text', (c) =>
      c.notNull().references('goods_owners.id').onDelete('cascade'),
    )
    .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('set null'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('shop_status', 'text')
    .addColumn('currency', 'text')
    .addColumn('total_price', 'text')
    .addColumn('order_date', 'text')
    .addColumn('way_of_delivery', 'text')
    .addColumn('shipping_method_code', 'text')
    .addColumn('shipping_method_name', 'text')
    .addColumn('service_point', 'text')
    .addColumn('remark', 'text')
    .addColumn('delivery_instruction', 'text')
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('invoice_address', 'text')
    .addColumn('notification', 'text', (c) => c.notNull())
    .addColumn('attention', 'text', (c) => c.notNull())
    .addColumn('platform_meta', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('picking_started_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('orders_connection_external')
    .on('orders')
    .columns(['connection_id', 'external_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('orders_owner_status')
    .on('orders')
    .columns(['goods_owner_id', 'status'])
    .execute()
  await db.schema
    .createIndex('orders_owner_created')
    .on('orders')
    .columns(['goods_owner_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('external_line_id', 'text')
    .addColumn('article_number', 'text')
    .addColumn('article_id', 'text', (c) => c.references('articles.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('shipped_quantity', 'integer', (c) => c.notNull())
    .addColumn('returned_quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'text')
    .addColumn('line_total', 'text')
    .addColumn('discount', 'text')
    .addColumn('platform_meta', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('order_lines_order').on('order_lines').column('order_id').execute()
  await db.schema
    .createIndex('order_lines_article')
    .on('order_lines')
    .column('article_id')
    .execute()

  await db.schema
    .createTable('shipments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('tracking_number', 'text')
    .addColumn('carrier', 'text')
    .addColumn('tracking_url', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('shipments_order').on('shipments').column('order_id').execute()
  await db.schema
    .createIndex('shipments_idempotency')
    .on('shipments')
    .columns(['order_id', 'idempotency_key'])
    .unique()
    .execute()

  await db.schema
    .createTable('shipment_lines')
    .addColumn('shipment_id', 'text', (c) =>
      c.notNull().references('shipments.id').onDelete('cascade'),
    )
    .addColumn('order_line_id', 'text', (c) =>
      c.notNull().references('order_lines.id').onDelete('cascade'),
    )
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('shipment_lines_pk', ['shipment_id', 'order_line_id'])
    .execute()

  await db.schema
    .createTable('stock_balances')
    .addColumn('article_id', 'text', (c) =>
      c.primaryKey().references('articles.id').onDelete('cascade'),
    )
    .addColumn('on_hand', 'integer', (c) => c.notNull())
    .addColumn('allocated', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stock_balances_updated')
    .on('stock_balances')
    .column('updated_at')
    .execute()

  await db.schema
    .createTable('stock_journal')
    .$call(autoKey('id'))
    .addColumn('article_id', 'text', (c) =>
      c.notNull().references('articles.id').onDelete('cascade'),
    )
    .addColumn('on_hand_delta', 'integer', (c) => c.notNull())
    .addColumn('allocated_delta', 'integer', (c) => c.notNull())
    .addColumn('on_hand_after', 'integer', (c) => c.notNull())
    .addColumn('allocated_after', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('stock_journal_article')
    .on('stock_journal')
    .column('article_id')
    .execute()

  await db.schema
    .createTable('returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('returns_idempotency')
    .on('returns')
    .columns(['order_id', 'idempotency_key'])
    .unique()
    .execute()

  await db.schema
    .createTable('return_lines')
    .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id').onDelete('cascade'))
    .addColumn('order_line_id', 'text', (c) =>
      c.notNull().references('order_lines.id').onDelete('cascade'),
    )
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('return_lines_pk', ['return_id', 'order_line_id'])
    .execute()

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('connections.id').onDelete('cascade'),
    )
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('processes', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('progress', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text')
    .execute()
  await db.schema
    .createIndex('sync_runs_connection')
    .on('sync_runs')
    .columns(['connection_id', 'id'])
    .execute()
  await db.schema.createIndex('sync_runs_status').on('sync_runs').column('status').execute()

  await db.schema
    .createTable('run_issues')
    .$call(autoKey('id'))
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('process', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('platform_ref', 'text')
    .addColumn('order_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('run_issues_run').on('run_issues').column('run_id').execute()

  await db.schema
    .createTable('sync_cursors')
    .addColumn('connection_id', 'text', (c) =>
      c.notNull().references('connections.id').onDelete('cascade'),
    )
    .addColumn('process', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cursors_pk', ['connection_id', 'process'])
    .execute()

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('cascade'))
    .addColumn('goods_owner_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute()
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema.createIndex('outbox_group').on('outbox').columns(['group_key', 'id']).execute()

  await db.schema
    .createTable('events')
    .$call(autoKey('seq'))
    .addColumn('goods_owner_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('events_owner_seq')
    .on('events')
    .columns(['goods_owner_id', 'seq'])
    .execute()

  await db.schema
    .createTable('shipping_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('goods_owner_id', 'text', (c) =>
      c.notNull().references('goods_owners.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('way_of_delivery', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webhook_receipts')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_receipts_pk', ['connection_id', 'delivery_id'])
    .execute()

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Db): Promise<void> {
  for (const t of [
    'leases',
    'webhook_receipts',
    'shipping_rules',
    'events',
    'outbox',
    'sync_cursors',
    'run_issues',
    'sync_runs',
    'return_lines',
    'returns',
    'stock_journal',
    'stock_balances',
    'shipment_lines',
    'shipments',
    'order_lines',
    'orders',
    'shop_products',
    'article_links',
    'articles',
    'connections',
    'api_tokens',
    'goods_owners',
  ]) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
