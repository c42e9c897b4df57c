/**
 * A small in-memory shop and its connector, to test the hub's engine and API independently of the
 * real platforms (whose connectors are tested against the simulators). It follows the same
 * contract: incremental pulls with checkpoints, and writes that check what the shop already has
 * before repeating them.
 */
import type { ArticleInput, OrderInput } from '../../hub/src/domain/types.ts'
import type { Connector, PullBatch } from '../../hub/src/sync/connector.ts'
import { ConnectorRegistry } from '../../hub/src/sync/connector.ts'

export interface FakeOrder extends OrderInput {
  updatedAt: number
}

export class FakeShop {
  products: Array<ArticleInput & { updatedAt: number }> = []
  orders: FakeOrder[] = []
  /** Writes the shop accepted, keyed by idempotency key (a repeat would be a duplicate). */
  writes: Array<{ key: string; kind: string; payload: any }> = []
  stock = new Map<string, number>()
  clock = 1
  failNextWrites = 0

  addProduct(sku: string, name = `Product ${sku}`) {
    const id = String(this.products.length + 1)
    this.products.push({
      articleNumber: sku,
      name,
      link: { productId: id, variantId: null, stockTracked: true },
      updatedAt: this.clock++,
    })
    this.stock.set(id, 0)
  }

  addOrder(partial: Partial<OrderInput> & { lines: OrderInput['lines'] }): FakeOrder {
    const id = String(1000 + this.orders.length)
    const order: FakeOrder = {
      externalId: id,
      orderNumber: `#${id}`,
      shopStatus: 'paid',
      orderDate: '2026-11-20T10:00:00Z',
      currency: 'EUR',
      totalPrice: '10.00',
      shippingMethod: { code: 'dhl_express', name: 'DHL Express' },
      customer: {
        name: 'Anna Andersson',
        address1: 'Storgatan 1',
        postCode: '411 01',
        city: 'Göteborg',
        countryCode: 'SE',
        email: 'anna@example.com',
      },
      notification: {
        email: 'anna@example.com',
        mobilePhone: null,
        telephone: null,
        notifyByEmail: true,
        notifyBySms: false,
      },
      cancelled: false,
      ...partial,
      updatedAt: this.clock++,
    }
    this.orders.push(order)
    return order
  }

  touch(order: FakeOrder, patch: Partial<OrderInput>) {
    Object.assign(order, patch, { updatedAt: this.clock++ })
  }
}

export function fakeConnector(shop: FakeShop): Connector {
  return {
    platform: 'woocommerce',
    processes: ['articles', 'orders', 'fulfilments', 'stock', 'returns'],
    stockBatchSize: 2,
    parseConnection(input) {
      const key = input.credentials.api_key
      if (typeof key !== 'string' || key.length < 4)
        throw new Error('credentials.api_key is required')
      return {
        baseUrl: input.base_url ?? 'https://fake.example.com',
        shopRef: input.base_url ?? 'fake',
        credentials: { api_key: key },
      }
    },
    async testConnection(ctx) {
      const ok = ctx.credentials.api_key === 'good-key'
      return {
        ok,
        summary: ok ? 'Connected.' : 'The shop rejected the API key.',
        checks: [{ name: 'auth', ok, detail: ok ? 'key accepted' : 'wrong key' }],
      }
    },
    async *pullArticles(_ctx, from) {
      const since = Number((from as { since?: number } | null)?.since ?? 0)
      const changed = shop.products
        .filter((p) => p.updatedAt > since)
        .sort((a, b) => a.updatedAt - b.updatedAt)
      for (let i = 0; i < changed.length || i === 0; i += 2) {
        const page = changed.slice(i, i + 2)
        const last = page[page.length - 1]
        yield {
          records: page.map(({ updatedAt: _u, ...a }) => a),
          issues: [],
          checkpoint: { since: last ? last.updatedAt : since },
          total: changed.length,
        } satisfies PullBatch<ArticleInput>
        if (!changed.length) break
      }
    },
    async *pullOrders(_ctx, from) {
      const since = Number((from as { since?: number } | null)?.since ?? 0)
      const changed = shop.orders
        .filter((o) => o.updatedAt > since)
        .sort((a, b) => a.updatedAt - b.updatedAt)
      for (let i = 0; i < changed.length; i += 2) {
        const page = changed.slice(i, i + 2)
        yield {
          records: page.map(({ updatedAt: _u, ...o }) => structuredClone(o)),
          issues: [],
          checkpoint: { since: page[page.length - 1]!.updatedAt },
          total: changed.length,
        }
      }
    },
    async fetchOrders(_ctx, ids) {
      return {
        records: shop.orders
          .filter((o) => ids.includes(o.externalId))
          .map(({ updatedAt: _u, ...o }) => structuredClone(o)),
        issues: [],
        checkpoint: null,
      }
    },
    afterOrderImported(_ctx, order) {
      return [
        {
          kind: 'order.status',
          payload: { external_order_id: order.externalId, status: 'awaiting-shipment' },
        },
      ]
    },
    async readStock(_ctx, targets) {
      return new Map(targets.map((t) => [t.linkId, shop.stock.get(t.productId) ?? null]))
    },
    async deliver(_ctx, write) {
      if (shop.failNextWrites > 0) {
        shop.failNextWrites--
        return { status: 'retry', reason: 'shop answered 503 Service Unavailable', retryAfterMs: 1 }
      }
      if (write.attempt > 1 && shop.writes.some((w) => w.key === write.idempotencyKey))
        return { status: 'done', result: { already: true } }
      shop.writes.push({ key: write.idempotencyKey, kind: write.kind, payload: write.payload })
      if (write.kind === 'stock.set')
        for (const item of write.payload.items) shop.stock.set(item.productId, item.quantity)
      return { status: 'done' }
    },
    verifyWebhook(ctx, req) {
      if (req.headers.get('x-fake-secret') !== ctx.webhookSecret)
        return { ok: false, reason: 'bad secret' }
      const body = JSON.parse(req.rawBody) as { id: string; delivery: string }
      return { ok: true, deliveryId: body.delivery, orders: [body.id] }
    },
  }
}

export function fakeRegistry(shop: FakeShop): ConnectorRegistry {
  return new ConnectorRegistry().register(fakeConnector(shop))
}
