/**
 * The proof suites' view of each platform: how to build a simulated shop of a given size, how to
 * connect the hub to it, how a customer places an order, and how to read the simulator's request
 * log as logical shop-side writes (for exactly-once counting).
 *
 * Counting rules (one logical write = one key; every key must appear exactly once in the log's
 * successful writes):
 * - fulfilment: the tracking number the driver gave the shipment (unique per shipment), found in
 *   the body of the platform's shipment call (Shopify `fulfillmentCreate`, BigCommerce
 *   `POST …/orders/{id}/shipments`, WooCommerce the shipment note `POST …/orders/{id}/notes`).
 * - note: WooCommerce's shipment note, by the `[dockhand:…]` marker the connector puts in it.
 * - status: (shop order id, status value) of an order status write (WooCommerce
 *   `PUT …/orders/{id}` with `status`, BigCommerce `PUT …/v2/orders/{id}` with `status_id`).
 * - refund: the return reason the driver gave (unique per return), found in the body of the
 *   refund call (Shopify `refundCreate`, WooCommerce `POST …/refunds`, BigCommerce
 *   `POST …/payment_actions/refunds`; BigCommerce's refund *quote* changes nothing and is not counted).
 * - stock: per shop item the sequence of absolute quantities set; the same quantity set twice in a
 *   row on one item is a repeated write (the hub only pushes changes), and the last value set must
 *   equal the hub's available quantity.
 */

import { createBigCommerceSimulator } from '../../fixtures/src/bigcommerce/index.ts'
import type { LoggedRequest } from '../../fixtures/src/common/request-log.ts'
import { createShopifySimulator } from '../../fixtures/src/shopify/index.ts'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'
import type { SeededRng } from './rng.ts'

export type Platform = 'woocommerce' | 'shopify' | 'bigcommerce'
export const PLATFORMS: Platform[] = ['shopify', 'bigcommerce', 'woocommerce']

export type WriteCategory = 'fulfilment' | 'note' | 'status' | 'refund' | 'stock'

export interface LogicalWrite {
  category: WriteCategory
  key: string
  seq: number
}

export interface StockSet {
  item: string
  quantity: number
  seq: number
}

export interface Shop {
  platform: Platform
  sim: any
  log: { entries: LoggedRequest[]; writes(): LoggedRequest[]; clear(): void }
  faults: { add(rule: unknown): unknown; clear(): void }
  handle(request: Request): Promise<Response>
  setOrigin(url: string): void
  /** Body for POST /api/v1/connections once the simulator is served at `url`. */
  connection(url: string, settings?: Record<string, unknown>): Record<string, unknown>
  /**
   * A customer places an order of 1–3 lines that the hub's default filters import: its external
   * id and the shop items whose stock it changed (the shop decrements stock on checkout).
   */
  placeOrder(rng: SeededRng, tag: string): { externalId: string; items: string[] }
  /** Logical writes in one logged request (none for reads and for writes we don't count). */
  classify(e: LoggedRequest): LogicalWrite[]
  stockSets(e: LoggedRequest): StockSet[]
  /** Shop item id (as used in stockSets) of a SKU, for the stock articles the hub links. */
  itemOfSku(sku: string): string | null
  /** Current shop quantity of an item. */
  shopQuantity(item: string): number | null
  /** Number of shop items with a SKU (articles the hub can link). */
  skuCount(): number
}

export interface ShopSize {
  seed: number
  products: number
  variantsPerProduct?: number
  /** Extra simulator options over the ones below (the benchmarks' bucket, quota). */
  simulator?: Record<string, unknown>
}

// Whole tokens only: the hub's own ids (ULIDs in Crockford base32, e.g. the shipment id in a
// BigCommerce shipment's comment) can contain "TRK…X" or "RET…X" inside them.
export const TRACKING_RE = /(?<![0-9A-Za-z_])TRK[0-9A-Z]+X(?![0-9A-Za-z_])/g
export const RETURN_RE = /(?<![0-9A-Za-z_])RET[0-9A-Z]+X(?![0-9A-Za-z_])/g

/** Every string in a request body (searched as text, not as escaped JSON). */
function strings(body: unknown, out: string[] = []): string[] {
  if (typeof body === 'string') out.push(body)
  else if (Array.isArray(body)) for (const v of body) strings(v, out)
  else if (body && typeof body === 'object') for (const v of Object.values(body)) strings(v, out)
  return out
}

const tokens = (body: unknown, re: RegExp) => [
  ...new Set(strings(body).flatMap((s) => s.match(re) ?? [])),
]

function w(category: WriteCategory, keys: string[], seq: number): LogicalWrite[] {
  return keys.map((key) => ({ category, key, seq }))
}

const address = {
  first: 'Åsa',
  last: 'Nyström',
  street: 'Drottninggatan 12',
  city: 'Stockholm',
  zip: '111 51',
}

export function createShop(platform: Platform, size: ShopSize): Shop {
  switch (platform) {
    case 'shopify':
      return shopifyShop(size)
    case 'bigcommerce':
      return bigCommerceShop(size)
    case 'woocommerce':
      return wooShop(size)
  }
}

function pick<T>(rng: SeededRng, list: T[], n: number): T[] {
  const out = new Set<T>()
  while (out.size < Math.min(n, list.length)) out.add(list[rng.int(list.length)]!)
  return [...out]
}

function uniqueSkus<T>(items: T[], sku: (t: T) => string | null | undefined): T[] {
  const count = new Map<string, number>()
  for (const t of items) {
    const s = sku(t)
    if (s) count.set(s, (count.get(s) ?? 0) + 1)
  }
  return items.filter((t) => {
    const s = sku(t)
    return !!s && count.get(s) === 1
  })
}

// ── Shopify ──────────────────────────────────────────────────────────────────────────────────
function shopifyShop(size: ShopSize): Shop {
  const sim = createShopifySimulator({
    seed: size.seed,
    products: size.products,
    variantsPerProduct: size.variantsPerProduct ?? 3,
    orders: 0,
    // A Shopify Plus-sized bucket: the proof suites test exactly-once, not throttling (the
    // connector's own scale test covers that on an injected clock).
    bucket: { maximumAvailable: 20_000, restoreRate: 10_000 },
    ...size.simulator,
  })
  const locations = [...sim.store.locations.values()].filter((l) => !l.fulfillmentServiceHandle)
  const loc = locations[0]!.id
  const variants = () =>
    uniqueSkus(
      [...sim.store.variants.values()].filter(
        (v) =>
          sim.store.products.get(v.productId)?.status === 'ACTIVE' &&
          sim.store.inventoryItems.get(v.inventoryItemId)?.tracked,
      ),
      (v) => v.sku,
    )
  let orderable = variants()
  return {
    platform: 'shopify',
    sim,
    log: sim.log,
    faults: sim.faults as never,
    handle: (r) => sim.handle(r),
    setOrigin: (u) => sim.setOrigin(u),
    connection: (url, settings = {}) => ({
      platform: 'shopify',
      name: 'Shopify (proof)',
      shop_ref: sim.credentials.shop,
      base_url: url,
      credentials: { access_token: sim.credentials.accessToken },
      settings: { location_id: `gid://shopify/Location/${loc}`, ...settings },
    }),
    placeOrder(rng, tag) {
      if (!orderable.length) orderable = variants()
      const lines = pick(rng, orderable, 1 + rng.int(3)).map((v) => ({
        variantId: v.id,
        quantity: 1 + rng.int(3),
        locationId: loc,
      }))
      const o = sim.placeOrder({
        lines,
        financialStatus: 'PAID',
        shippingAddress: {
          firstName: address.first,
          lastName: `${address.last} ${tag}`,
          company: null,
          address1: address.street,
          address2: null,
          city: address.city,
          province: null,
          provinceCode: null,
          zip: address.zip,
          country: 'Sweden',
          countryCode: 'SE',
          phone: null,
        },
        email: 'asa@example.se',
        shippingLine: { title: 'PostNord MyPack', code: 'PN', price: '49.00' },
      })
      return {
        externalId: `gid://shopify/Order/${o.id}`,
        items: lines.map((l) => String(sim.store.variants.get(l.variantId)!.inventoryItemId)),
      }
    },
    classify(e) {
      const ops = e.operation ?? []
      if (ops.includes('mutation:fulfillmentCreate'))
        return w('fulfilment', tokens(e.body, TRACKING_RE), e.seq)
      if (ops.includes('mutation:refundCreate'))
        return w('refund', tokens(e.body, RETURN_RE), e.seq)
      return []
    },
    stockSets(e) {
      if (!(e.operation ?? []).includes('mutation:inventorySetQuantities')) return []
      const q = (e.body as any)?.variables?.input?.quantities ?? []
      return q.map((x: { inventoryItemId: string; quantity: number }) => ({
        item: String(x.inventoryItemId).split('/').pop()!,
        quantity: x.quantity,
        seq: e.seq,
      }))
    },
    itemOfSku(sku) {
      const v = variants().find((x) => x.sku === sku)
      return v ? String(v.inventoryItemId) : null
    },
    shopQuantity(item) {
      return sim.store.level(Number(item), loc)?.quantities.available ?? null
    },
    skuCount: () => variants().length,
  }
}

// ── BigCommerce ──────────────────────────────────────────────────────────────────────────────
function bigCommerceShop(size: ShopSize): Shop {
  const sim = createBigCommerceSimulator({
    seed: size.seed,
    products: size.products,
    variantsPerProduct: size.variantsPerProduct ?? 3,
    orders: 0,
    // Plus/Pro-sized quota: pacing is the connector tests' subject, not this suite's.
    quota: 1_000_000,
    allowInsecureDestinations: true,
    ...size.simulator,
  })
  const variants = (): any[] =>
    uniqueSkus(
      [...sim.store.variants.values()].filter((v) => {
        const p = sim.store.products.get(v.product_id)
        return p?.is_visible && p.type === 'physical' && p.inventory_tracking === 'variant'
      }),
      (v) => v.sku,
    )
  let orderable = variants()
  return {
    platform: 'bigcommerce',
    sim,
    log: sim.log,
    faults: sim.faults as never,
    handle: (r) => sim.handle(r),
    setOrigin: (u) => sim.setOrigin(u),
    connection: (_url, settings = {}) => ({
      platform: 'bigcommerce',
      name: 'BigCommerce (proof)',
      shop_ref: sim.describe().apiPath,
      credentials: { access_token: sim.credentials.accessToken },
      settings: { processes: { stock: true }, ...settings },
    }),
    placeOrder(rng, tag) {
      if (!orderable.length) orderable = variants()
      const chosen = pick(rng, orderable, 1 + rng.int(3))
      const o = sim.placeOrder({
        lines: chosen.map((v) => ({ variantId: v.id, quantity: 1 + rng.int(3) })),
        customerMessage: `proof ${tag}`,
      })
      return { externalId: String(o.id), items: chosen.map((v) => `v${v.id}`) }
    },
    classify(e) {
      if (e.method === 'POST' && /\/v2\/orders\/\d+\/shipments$/.test(e.path))
        return w('fulfilment', tokens(e.body, TRACKING_RE), e.seq)
      const m = /\/v2\/orders\/(\d+)$/.exec(e.path)
      const status = (e.body as any)?.status_id
      if (e.method === 'PUT' && m && status !== undefined)
        return [{ category: 'status', key: `${m[1]}:${status}`, seq: e.seq }]
      if (e.method === 'POST' && /\/payment_actions\/refunds$/.test(e.path))
        return w('refund', tokens(e.body, RETURN_RE), e.seq)
      return []
    },
    stockSets(e) {
      if (e.method !== 'PUT' || !e.path.endsWith('/inventory/adjustments/absolute')) return []
      const items = (e.body as any)?.items ?? []
      return items.map((x: { variant_id?: number; product_id?: number; quantity: number }) => ({
        item: x.variant_id ? `v${x.variant_id}` : `p${x.product_id}`,
        quantity: x.quantity,
        seq: e.seq,
      }))
    },
    itemOfSku(sku) {
      const v = variants().find((x) => x.sku === sku)
      return v ? `v${v.id}` : null
    },
    shopQuantity(item) {
      if (!item.startsWith('v')) return null
      const v = sim.store.variants.get(Number(item.slice(1)))
      return v ? sim.store.variantLevelAt(v, 1) : null
    },
    skuCount: () => variants().length,
  }
}

// ── WooCommerce ──────────────────────────────────────────────────────────────────────────────
function wooShop(size: ShopSize): Shop {
  const sim = createWooCommerceSimulator({
    seed: size.seed,
    products: size.products,
    variantsPerProduct: size.variantsPerProduct ?? 3,
    orders: 0,
    origin: 'http://127.0.0.1:1',
    ...size.simulator,
  })
  const lines = (): any[] => {
    const out: any[] = []
    for (const p of sim.store.products.values()) {
      if (p.status !== 'publish') continue
      if (p.type === 'simple' && p.manage_stock && !p.virtual)
        out.push({ sku: p.sku, product_id: p.id, item: `p${p.id}` })
      if (p.type === 'variable')
        for (const vid of p.variations) {
          const v = sim.store.variations.get(vid)
          if (v?.manage_stock)
            out.push({ sku: v.sku, product_id: p.id, variation_id: vid, item: `v${vid}` })
        }
    }
    return uniqueSkus(out, (x) => x.sku)
  }
  let orderable = lines()
  return {
    platform: 'woocommerce',
    sim,
    log: sim.log,
    faults: sim.faults as never,
    handle: (r) => sim.handle(r),
    setOrigin: (u) => sim.setOrigin(u),
    connection: (url, settings = {}) => ({
      platform: 'woocommerce',
      name: 'WooCommerce (proof)',
      base_url: url,
      credentials: {
        consumer_key: sim.credentials.consumerKey,
        consumer_secret: sim.credentials.consumerSecret,
      },
      settings: { status_after_import: 'on-hold', ...settings },
    }),
    placeOrder(rng, tag) {
      if (!orderable.length) orderable = lines()
      const chosen = pick(rng, orderable, 1 + rng.int(3))
      const o = sim.placeOrder({
        lines: chosen.map((l) => ({
          product_id: l.product_id,
          ...(l.variation_id ? { variation_id: l.variation_id } : {}),
          quantity: 1 + rng.int(3),
        })),
        billing: {
          first_name: address.first,
          last_name: `${address.last} ${tag}`,
          address_1: address.street,
          city: address.city,
          postcode: address.zip,
          country: 'SE',
          email: 'asa@example.se',
        },
        shipping: {
          first_name: address.first,
          last_name: `${address.last} ${tag}`,
          address_1: address.street,
          city: address.city,
          postcode: address.zip,
          country: 'SE',
        },
      })
      return { externalId: String(o.id), items: chosen.map((l) => l.item as string) }
    },
    classify(e) {
      const m = /\/wc\/v3\/orders\/(\d+)(\/[a-z-]+)?$/.exec(e.path)
      if (!m) return []
      if (e.method === 'POST' && m[2] === '/notes') {
        const marks = JSON.stringify(e.body ?? '').match(/\[dockhand:[0-9a-f]+\]/g) ?? []
        return [
          ...w('note', [...new Set(marks)], e.seq),
          ...w('fulfilment', tokens(e.body, TRACKING_RE), e.seq),
        ]
      }
      if (e.method === 'POST' && m[2] === '/refunds')
        return w('refund', tokens(e.body, RETURN_RE), e.seq)
      const status = (e.body as any)?.status
      if ((e.method === 'PUT' || e.method === 'POST') && !m[2] && status)
        return [{ category: 'status', key: `${m[1]}:${status}`, seq: e.seq }]
      return []
    },
    stockSets(e) {
      if (e.method !== 'POST' && e.method !== 'PUT') return []
      const variations = /\/products\/\d+\/variations\/batch$/.test(e.path)
      if (!variations && !e.path.endsWith('/products/batch')) return []
      const update = (e.body as any)?.update ?? []
      return update
        .filter((x: { stock_quantity?: number }) => x.stock_quantity !== undefined)
        .map((x: { id: number; stock_quantity: number }) => ({
          item: `${variations ? 'v' : 'p'}${x.id}`,
          quantity: x.stock_quantity,
          seq: e.seq,
        }))
    },
    itemOfSku(sku) {
      // A SKU another product or variation also carries is the hub's to resolve: WooCommerce
      // keeps the record that had it first (duplicate_sku) — maybe one that manages no stock —
      // so the stock check only compares SKUs no other record in the shop has.
      let carriers = 0
      for (const p of sim.store.products.values()) if (p.sku === sku) carriers++
      for (const v of sim.store.variations.values()) if (v.sku === sku) carriers++
      return carriers === 1 ? (lines().find((l) => l.sku === sku)?.item ?? null) : null
    },
    shopQuantity(item) {
      const id = Number(item.slice(1))
      const rec = item.startsWith('v') ? sim.getVariation(id) : sim.getProduct(id)
      return ((rec as any)?.stock_quantity as number | null) ?? null
    },
    skuCount: () => lines().length,
  }
}
