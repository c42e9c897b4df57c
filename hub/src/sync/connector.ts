/**
 * The contract between the sync engine and a shop platform. A connector never touches the store:
 * it reads from the shop and yields mapped inputs, and it performs the writes the engine hands it
 * from the outbox. The engine persists everything.
 *
 * @example
 * const connector: Connector = {
 *   platform: 'woocommerce',
 *   parseConnection: (input) => ({ baseUrl, shopRef, credentials }),
 *   testConnection: async (ctx) => ({ ok: true, summary: 'Connected', checks: [] }),
 *   deliver: async (ctx, write) => ({ status: 'done' }),
 * }
 */
import type { Logger } from 'pino'
import type { Platform, Process } from '../../../shared/src/platforms.ts'
import type { ArticleInput, OrderInput, RecordIssue } from '../domain/types.ts'

export interface ConnectorContext<S = Record<string, unknown>> {
  connection: {
    id: string
    name: string
    platform: Platform
    goodsOwnerId: string
    baseUrl: string
    shopRef: string
  }
  settings: S
  /** Decrypted credentials. Only the connector's HTTP client may read them. */
  credentials: Record<string, string>
  /** Secret the shop signs or echoes on webhooks to this connection. */
  webhookSecret: string
  /** Where the shop reaches the hub's webhook receiver, or null when the hub has no public URL. */
  webhookUrl: string | null
  log: Logger
  signal: AbortSignal
  now(): Date
  /**
   * A call failed (5xx, 429, timeout, reset, cut-off answer) and the client tried it again: one
   * readable sentence for the run log. Absent where no run is listening (e.g. a connection test).
   */
  retried?: (reason: string) => void
}

export type Checkpoint = Record<string, unknown> | null

export interface PullBatch<T> {
  records: T[]
  issues: RecordIssue[]
  /** Saved with the batch, in the same transaction: a restart resumes from here. */
  checkpoint: Checkpoint
  /** Total expected in this pass, when the platform tells (for progress). */
  total?: number | null
}

export interface ConnectionCheck {
  ok: boolean
  /** One plain sentence for the shop owner: what is wrong and what to do. */
  summary: string
  checks: Array<{ name: string; ok: boolean; detail: string }>
}

/** A write the outbox worker hands to the connector. */
export interface OutboxWrite {
  id: string
  kind: string
  idempotencyKey: string
  payload: any
  /** 1 on the first try. More means an earlier try may have reached the shop: check before writing. */
  attempt: number
}

export type DeliveryOutcome =
  | {
      status: 'done'
      result?: unknown
      /** Done, but a person should know something (e.g. tracking written as a note instead). */
      notice?: { code: string; message: string }
    }
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'failed'; reason: string }

export interface StockTarget {
  linkId: string
  articleNumber: string
  productId: string
  variantId: string | null
  inventoryItemId: string | null
  quantity: number
}

export interface WebhookVerification {
  ok: boolean
  reason?: string
  /** Unique per delivery, for de-duplication. */
  deliveryId?: string
  /** What changed: orders and/or products to fetch now. */
  orders?: string[]
  products?: string[]
  /** A platform ping or a topic we only acknowledge. */
  ignore?: boolean
  /**
   * Signed correctly but not to be acted on until a person looks (e.g. a staging copy of the shop
   * sending with the same secret from another URL): nothing is fetched, imported or re-pointed.
   */
  hold?: { code: string; message: string }
  /**
   * The shop passes on a privacy request: erase a customer's data on these orders, erase all of
   * the shop's data (`orders: null`), or report what the hub holds for a customer's orders.
   */
  privacy?: {
    kind: 'customer_erasure' | 'shop_erasure' | 'data_request'
    orders: string[] | null
    /** The shop's reference for the request (data request id, customer id), for the owner. */
    reference?: string | null
  }
}

export interface Connector<S = any> {
  readonly platform: Platform
  readonly processes: readonly Process[]
  /** Most stock levels one write may carry (the platform's batch limit). */
  readonly stockBatchSize?: number
  /**
   * A SKU that is already another record's article (domain/articles.ts `SharedSkuRule`): `first`
   * leaves the newcomer out, `share` (default) links both to the one article.
   */
  readonly sharedSkus?: 'first' | 'share'
  /** Validate what a person typed into "add connection"; return where the shop is and the credentials. */
  parseConnection(input: {
    base_url?: string | undefined
    shop_ref?: string | undefined
    credentials: Record<string, unknown>
  }): {
    baseUrl: string
    shopRef: string
    credentials: Record<string, string>
  }
  testConnection(ctx: ConnectorContext<S>): Promise<ConnectionCheck>
  pullArticles?(
    ctx: ConnectorContext<S>,
    from: Checkpoint,
    options: { full: boolean },
  ): AsyncIterable<PullBatch<ArticleInput>>
  pullOrders?(ctx: ConnectorContext<S>, from: Checkpoint): AsyncIterable<PullBatch<OrderInput>>
  /** Fetch specific orders (webhook-triggered). */
  fetchOrders?(ctx: ConnectorContext<S>, externalIds: string[]): Promise<PullBatch<OrderInput>>
  /** Writes to queue right after an order is first imported (e.g. BigCommerce status 11 → 9). */
  afterOrderImported?(
    ctx: ConnectorContext<S>,
    order: OrderInput,
  ): Array<{ kind: string; payload: unknown }>
  /** Read the shop's current quantities for a full reconcile. */
  readStock?(ctx: ConnectorContext<S>, targets: StockTarget[]): Promise<Map<string, number | null>>
  deliver(ctx: ConnectorContext<S>, write: OutboxWrite): Promise<DeliveryOutcome>
  /**
   * Make sure the shop's webhooks to the hub exist and are active; report what it did.
   * `registeredBefore`: this hub registered them at this URL on an earlier run, so any missing one
   * was removed by the shop (e.g. after failed deliveries) and its re-creation is worth reporting.
   */
  ensureWebhooks?(
    ctx: ConnectorContext<S>,
    options?: { registeredBefore: boolean },
  ): Promise<RecordIssue[]>
  verifyWebhook?(
    ctx: ConnectorContext<S>,
    request: { headers: Headers; rawBody: string; topic?: string },
  ): WebhookVerification
}

export class ConnectorRegistry {
  private readonly connectors = new Map<Platform, Connector>()

  register(connector: Connector): this {
    this.connectors.set(connector.platform, connector)
    return this
  }

  get(platform: Platform): Connector | undefined {
    return this.connectors.get(platform)
  }

  platforms(): Platform[] {
    return [...this.connectors.keys()]
  }
}
