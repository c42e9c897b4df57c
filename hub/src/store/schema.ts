/**
 * The hub's tables as Kysely types. Columns are portable between SQLite and PostgreSQL:
 * ids are text (prefixed ULIDs), timestamps ISO-8601 text, money decimal text, booleans 0/1,
 * JSON as text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

export type Bool = 0 | 1

export interface GoodsOwnerTable {
  id: string
  name: string
  /** Outgoing event webhook to the owner's WMS. */
  webhook_url: string | null
  webhook_secret_enc: string | null
  created_at: string
  updated_at: string
}

export interface ApiTokenTable {
  id: string
  name: string
  token_hash: string
  /** First characters, to recognise a token in lists. */
  prefix: string
  role: 'admin' | 'owner'
  goods_owner_id: string | null
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface ConnectionTable {
  id: string
  goods_owner_id: string
  platform: 'woocommerce' | 'shopify' | 'bigcommerce'
  name: string
  /** The shop's API base, e.g. https://shop.example.com or https://api.bigcommerce.com/stores/abc/v3 */
  base_url: string
  /** Platform identity: WooCommerce site URL, Shopify shop domain, BigCommerce store hash. */
  shop_ref: string
  settings: string
  credentials_enc: string
  /** Fingerprint of the credentials (HMAC), to recognise a staging copy using the same keys. */
  credentials_fingerprint: string
  webhook_secret_enc: string
  status: 'active' | 'paused' | 'needs_attention'
  status_reason: string | null
  next_run_at: string | null
  last_full_stock_at: string | null
  created_at: string
  updated_at: string
}

export interface ArticleTable {
  id: string
  goods_owner_id: string
  article_number: string
  name: string
  barcode: string | null
  product_code: string | null
  unit: string
  weight_kg: string | null
  price: string | null
  customer_price: string | null
  purchase_price: string | null
  currency: string | null
  supplier: string | null
  country_of_origin: string | null
  hs_code: string | null
  image_url: string | null
  categories: string
  active: Bool
  stock_article: Bool
  created_at: string
  updated_at: string
}

export interface ArticleLinkTable {
  id: string
  article_id: string
  connection_id: string
  product_id: string
  variant_id: string | null
  inventory_item_id: string | null
  /** The shop tracks stock for this variant (WooCommerce manage_stock, Shopify tracked, BigCommerce tracking). */
  stock_tracked: Bool
  /** Last available quantity the shop confirmed, after a push or a reconcile read. */
  pushed_quantity: number | null
  /** Quantity queued in the outbox and not yet confirmed. */
  queued_quantity: number | null
  /**
   * Set (a fresh id each time) when the shop changed this variant's stock by itself since the last
   * push or reconcile read (a customer's order, a cancellation): the next stock run pushes it even
   * if the available quantity equals `pushed_quantity`. Cleared when a push is queued (if unchanged).
   */
  shop_changed_mark: string | null
  created_at: string
  updated_at: string
}

/** Products seen in a shop with their link status (for manual article import). */
export interface ShopProductTable {
  id: string
  connection_id: string
  product_id: string
  variant_id: string | null
  sku: string | null
  name: string
  status: 'new' | 'linked' | 'missing_sku' | 'duplicate_sku' | 'ignored'
  payload: string
  updated_at: string
}

export type OrderStatus =
  | 'open'
  | 'on_hold'
  | 'picking'
  | 'partially_shipped'
  | 'shipped'
  | 'cancelled'

export interface OrderTable {
  id: string
  goods_owner_id: string
  connection_id: string | null
  external_id: string
  order_number: string
  status: OrderStatus
  shop_status: string | null
  currency: string | null
  total_price: string | null
  order_date: string | null
  way_of_delivery: string | null
  shipping_method_code: string | null
  shipping_method_name: string | null
  service_point: string | null
  remark: string | null
  delivery_instruction: string | null
  customer: string
  invoice_address: string | null
  notification: string
  /** Things a person must look at: unmapped shipping method, unknown SKU, conflict after picking… */
  attention: string
  /** Platform-specific references the connector needs to write back (fulfilment order ids…). */
  platform_meta: string
  content_hash: string
  picking_started_at: string | null
  cancelled_at: string | null
  /** A privacy erasure was asked for while the order was open: carried out when it is finished. */
  redact_requested_at: Generated<string | null>
  /** When the customer's personal data on this order was erased. */
  redacted_at: Generated<string | null>
  created_at: string
  updated_at: string
}

export interface OrderLineTable {
  id: string
  order_id: string
  line_no: number
  external_line_id: string | null
  article_number: string | null
  article_id: string | null
  name: string
  quantity: number
  shipped_quantity: number
  returned_quantity: number
  unit_price: string | null
  line_total: string | null
  discount: string | null
  platform_meta: string
}

export interface ShipmentTable {
  id: string
  order_id: string
  tracking_number: string | null
  carrier: string | null
  tracking_url: string | null
  idempotency_key: string | null
  created_at: string
}

export interface ShipmentLineTable {
  shipment_id: string
  order_line_id: string
  quantity: number
}

export interface StockBalanceTable {
  article_id: string
  on_hand: number
  allocated: number
  updated_at: string
}

export interface StockJournalTable {
  id: Generated<number>
  article_id: string
  on_hand_delta: number
  allocated_delta: number
  on_hand_after: number
  allocated_after: number
  reason: string
  reference: string | null
  created_at: string
}

export interface ReturnTable {
  id: string
  order_id: string
  reason: string | null
  idempotency_key: string | null
  created_at: string
}

export interface ReturnLineTable {
  return_id: string
  order_line_id: string
  quantity: number
}

export interface SyncRunTable {
  id: string
  connection_id: string
  /** `delivery`: no sync ran; the record holds what went wrong delivering writes between runs. */
  trigger: 'schedule' | 'manual' | 'webhook' | 'startup' | 'delivery'
  processes: string
  status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled'
  full: Bool
  counts: string
  progress: string
  error: string | null
  started_at: string | null
  finished_at: string | null
  created_at: string
  heartbeat_at: string | null
}

export interface RunIssueTable {
  id: Generated<number>
  run_id: string
  connection_id: string
  process: string
  level: 'error' | 'warning'
  code: string
  message: string
  platform_ref: string | null
  order_id: string | null
  created_at: string
}

export interface SyncCursorTable {
  connection_id: string
  process: string
  cursor: string
  updated_at: string
}

export type OutboxStatus = 'pending' | 'delivering' | 'done' | 'failed' | 'held'

export interface OutboxTable {
  id: string
  connection_id: string | null
  goods_owner_id: string
  kind: string
  /** Writes with the same group key are delivered in creation order (e.g. one order's writes). */
  group_key: string
  idempotency_key: string
  payload: string
  status: OutboxStatus
  attempts: number
  next_attempt_at: string
  lease_until: string | null
  last_error: string | null
  result: string | null
  created_at: string
  delivered_at: string | null
}

export interface EventTable {
  seq: Generated<number>
  goods_owner_id: string
  type: string
  subject_id: string
  payload: string
  created_at: string
}

export interface ShippingRuleTable {
  id: string
  goods_owner_id: string
  position: number
  pattern: string
  way_of_delivery: string
  created_at: string
}

export interface WebhookReceiptTable {
  connection_id: string
  delivery_id: string
  received_at: string
}

export interface LeaseTable {
  name: string
  holder: string
  expires_at: string
}

export interface PendingInstallTable {
  key_hash: string
  kind: 'state' | 'install'
  platform: string
  shop: string
  sealed_token: string | null
  expires_at: string
}

export interface Database {
  goods_owners: GoodsOwnerTable
  api_tokens: ApiTokenTable
  connections: ConnectionTable
  articles: ArticleTable
  article_links: ArticleLinkTable
  shop_products: ShopProductTable
  orders: OrderTable
  order_lines: OrderLineTable
  shipments: ShipmentTable
  shipment_lines: ShipmentLineTable
  stock_balances: StockBalanceTable
  stock_journal: StockJournalTable
  returns: ReturnTable
  return_lines: ReturnLineTable
  sync_runs: SyncRunTable
  run_issues: RunIssueTable
  sync_cursors: SyncCursorTable
  outbox: OutboxTable
  events: EventTable
  shipping_rules: ShippingRuleTable
  webhook_receipts: WebhookReceiptTable
  leases: LeaseTable
  pending_installs: PendingInstallTable
}

export type GoodsOwner = Selectable<GoodsOwnerTable>
export type ApiToken = Selectable<ApiTokenTable>
export type Connection = Selectable<ConnectionTable>
export type NewConnection = Insertable<ConnectionTable>
export type ConnectionUpdate = Updateable<ConnectionTable>
export type Article = Selectable<ArticleTable>
export type NewArticle = Insertable<ArticleTable>
export type ArticleLink = Selectable<ArticleLinkTable>
export type Order = Selectable<OrderTable>
export type OrderLine = Selectable<OrderLineTable>
export type Shipment = Selectable<ShipmentTable>
export type StockBalance = Selectable<StockBalanceTable>
export type SyncRun = Selectable<SyncRunTable>
export type RunIssue = Selectable<RunIssueTable>
export type OutboxItem = Selectable<OutboxTable>
export type HubEvent = Selectable<EventTable>
export type ShippingRule = Selectable<ShippingRuleTable>
