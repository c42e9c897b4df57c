/**
 * The baseline: each job done the way a typical integration script does it with the platform's
 * own client — list with the client's default page size, then one call per item, no batching,
 * no checkpoint (so an "incremental" run repeats the import). WooCommerce through the official
 * `@woocommerce/woocommerce-rest-api` client; Shopify (GraphQL) and BigCommerce with plain fetch.
 *
 * - products: list products (default page: WooCommerce 10, BigCommerce 50, Shopify 50), then per
 *   product one call for its variants;
 * - orders: list the open orders to ship (same default page), then per order one read
 *   (BigCommerce: its lines and its shipping addresses, and the status write 11 → 9 the hub also
 *   makes by default);
 * - stock: one write per variant;
 * - webhook: a receiver subscribed to "order created" that reads each order once (BigCommerce:
 *   lines and addresses too, and the status write).
 */
import WooLib from '@woocommerce/woocommerce-rest-api'
import { PINNED_API_VERSION } from '../../fixtures/src/shopify/graphql/version-drift.ts'
import type { Platform, Shop } from '../proof/kits.ts'

// The package is CommonJS with `exports.default`; under tsx the class is on `.default`.
const WooCommerceRestApi: typeof WooLib =
  (WooLib as unknown as { default?: typeof WooLib }).default ?? WooLib

export interface StockWrite {
  sku: string
  quantity: number
}

export interface BaselineScript {
  /** Reads the catalogue; remembers each SKU's shop ids for `stock`. Returns variants read. */
  products(): Promise<number>
  /** Reads the open orders. Returns orders read. */
  orders(): Promise<number>
  stock(items: StockWrite[]): Promise<void>
  /** Subscribe `url` to "order created" (once, like a setup step). */
  subscribe(url: string): Promise<void>
  /** Handle one delivery: read the order. Returns the order's external id (as the hub keys it). */
  onWebhook(body: string): Promise<string | null>
}

export function baselineFor(platform: Platform, shop: Shop, url: string): BaselineScript {
  switch (platform) {
    case 'woocommerce':
      return wooBaseline(shop, url)
    case 'shopify':
      return shopifyBaseline(shop, url)
    case 'bigcommerce':
      return bigCommerceBaseline(shop, url)
  }
}

function wooBaseline(shop: Shop, url: string): BaselineScript {
  const api = new WooCommerceRestApi({
    url,
    consumerKey: shop.sim.credentials.consumerKey,
    consumerSecret: shop.sim.credentials.consumerSecret,
    version: 'wc/v3',
  })
  const ids = new Map<string, { product: number; variation: number }>()
  const all = async (endpoint: string, params: Record<string, unknown>) => {
    const out: any[] = []
    for (let page = 1; ; page++) {
      const res = await api.get<any[]>(endpoint, { ...params, page })
      out.push(...res.data)
      const pages = Number(res.headers['x-wp-totalpages'] ?? 0)
      if (page >= pages || res.data.length === 0) return out
    }
  }
  const readOrder = async (id: number) => (await api.get(`orders/${id}`)).data
  return {
    async products() {
      let n = 0
      for (const p of await all('products', {})) {
        if (p.type !== 'variable') continue
        const vs = (await api.get<any[]>(`products/${p.id}/variations`)).data
        for (const v of vs) {
          ids.set(v.sku, { product: p.id, variation: v.id })
          n++
        }
      }
      return n
    },
    async orders() {
      const list = await all('orders', { status: 'processing' })
      for (const o of list) await readOrder(o.id)
      return list.length
    },
    async stock(items) {
      for (const it of items) {
        const at = ids.get(it.sku)
        if (!at) throw new Error(`baseline: unknown SKU ${it.sku}`)
        await api.put(`products/${at.product}/variations/${at.variation}`, {
          stock_quantity: it.quantity,
        })
      }
    },
    async subscribe(deliveryUrl) {
      await api.post('webhooks', {
        name: 'baseline order.created',
        topic: 'order.created',
        delivery_url: deliveryUrl,
        secret: 'baseline-secret',
      })
    },
    async onWebhook(body) {
      if (!body.startsWith('{')) return null // the creation ping (form body)
      const id = Number(JSON.parse(body).id)
      if (!id) return null
      await readOrder(id)
      return String(id)
    },
  }
}

function shopifyBaseline(shop: Shop, url: string): BaselineScript {
  const endpoint = `${url}/admin/api/${PINNED_API_VERSION}/graphql.json`
  const token = shop.sim.credentials.accessToken as string
  const location = (shop.connection(url).settings as { location_id: string }).location_id
  const items = new Map<string, string>()
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query, variables }),
    })
    const json = (await res.json()) as { data?: any; errors?: unknown }
    if (!res.ok || json.errors) throw new Error(`baseline GraphQL: ${JSON.stringify(json.errors)}`)
    return json.data
  }
  const ids = async (field: 'products' | 'orders', query: string | null) => {
    const out: string[] = []
    let after: string | null = null
    for (;;) {
      const data: any = await gql(
        `query($after: String, $query: String) { ${field}(first: 50, after: $after, query: $query) { pageInfo { hasNextPage endCursor } nodes { id } } }`,
        { after, query },
      )
      out.push(...data[field].nodes.map((n: { id: string }) => n.id))
      if (!data[field].pageInfo.hasNextPage) return out
      after = data[field].pageInfo.endCursor
    }
  }
  const ORDER = `query($id: ID!) { order(id: $id) { id name email
    shippingAddress { firstName lastName address1 city zip countryCodeV2 }
    lineItems(first: 50) { nodes { sku quantity } } } }`
  return {
    async products() {
      let n = 0
      for (const id of await ids('products', null)) {
        const data = await gql(
          'query($id: ID!) { product(id: $id) { id variants(first: 100) { nodes { id sku inventoryItem { id } } } } }',
          { id },
        )
        for (const v of data.product.variants.nodes) {
          items.set(v.sku, v.inventoryItem.id)
          n++
        }
      }
      return n
    },
    async orders() {
      const list = await ids('orders', 'status:open')
      for (const id of list) await gql(ORDER, { id })
      return list.length
    },
    async stock(writes) {
      for (const w of writes) {
        const item = items.get(w.sku)
        if (!item) throw new Error(`baseline: unknown SKU ${w.sku}`)
        const data = await gql(
          'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { field message } } }',
          {
            input: {
              name: 'available',
              reason: 'correction',
              quantities: [
                {
                  inventoryItemId: item,
                  locationId: location,
                  quantity: w.quantity,
                  changeFromQuantity: null,
                },
              ],
            },
          },
        )
        const errors = data.inventorySetQuantities.userErrors
        if (errors.length) throw new Error(`baseline stock: ${JSON.stringify(errors)}`)
      }
    },
    async subscribe(deliveryUrl) {
      const data = await gql(
        'mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { field message } } }',
        { topic: 'ORDERS_CREATE', sub: { uri: deliveryUrl, format: 'JSON' } },
      )
      const errors = data.webhookSubscriptionCreate.userErrors
      if (errors.length) throw new Error(`baseline subscribe: ${JSON.stringify(errors)}`)
    },
    async onWebhook(body) {
      const o = JSON.parse(body) as { admin_graphql_api_id?: string; id?: number }
      const id = o.admin_graphql_api_id ?? (o.id ? `gid://shopify/Order/${o.id}` : null)
      if (!id) return null
      await gql(ORDER, { id })
      return id
    },
  }
}

function bigCommerceBaseline(shop: Shop, url: string): BaselineScript {
  const hash = shop.sim.storeHash as string
  const token = shop.sim.credentials.accessToken as string
  const variants = new Map<string, number>()
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/stores/${hash}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`baseline ${method} ${path}: ${res.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
  const importOrder = async (id: number) => {
    await call('GET', `/v2/orders/${id}/products`)
    await call('GET', `/v2/orders/${id}/shipping_addresses`)
    await call('PUT', `/v2/orders/${id}`, { status_id: 9 })
  }
  return {
    async products() {
      const products: number[] = []
      for (let page = 1; ; page++) {
        const body = await call('GET', `/v3/catalog/products?page=${page}`)
        products.push(...body.data.map((p: { id: number }) => p.id))
        if (page >= body.meta.pagination.total_pages) break
      }
      let n = 0
      for (const id of products) {
        const body = await call('GET', `/v3/catalog/products/${id}/variants`)
        for (const v of body.data) {
          variants.set(v.sku, v.id)
          n++
        }
      }
      return n
    },
    async orders() {
      const ids: number[] = []
      for (let page = 1; ; page++) {
        const rows = await call('GET', `/v2/orders?status_id=11&page=${page}`)
        if (!Array.isArray(rows) || rows.length === 0) break
        ids.push(...rows.map((o: { id: number }) => o.id))
        if (rows.length < 50) break
      }
      for (const id of ids) await importOrder(id)
      return ids.length
    },
    async stock(items) {
      for (const it of items) {
        const variant = variants.get(it.sku)
        if (!variant) throw new Error(`baseline: unknown SKU ${it.sku}`)
        await call('PUT', '/v3/inventory/adjustments/absolute', {
          reason: 'baseline',
          items: [{ location_id: 1, variant_id: variant, quantity: it.quantity }],
        })
      }
    },
    async subscribe(deliveryUrl) {
      await call('POST', '/v3/hooks', {
        scope: 'store/order/created',
        destination: deliveryUrl,
        is_active: true,
      })
    },
    async onWebhook(body) {
      const id = Number(JSON.parse(body)?.data?.id)
      if (!id) return null
      await call('GET', `/v2/orders/${id}`)
      await importOrder(id)
      return String(id)
    },
  }
}
