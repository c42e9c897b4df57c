/**
 * 10,000 variants' stock: ceil(10,000 / 2,000) = 5 absolute adjustments plus the reads the
 * reconcile and a retry's check need, through injected 429s and 5xx, with no update lost or
 * applied twice (asserted on the simulator's request log).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { eventually } from '../../helpers/hub.ts'
import { type BcHarness, type Sim, startBc } from './helpers.ts'

const PRODUCTS = 100
const VARIANTS = 100
const TOTAL = PRODUCTS * VARIANTS
let h: BcHarness

function addCatalogue(sim: Sim) {
  const store = sim.store
  const now = store.now()
  for (let p = 0; p < PRODUCTS; p++) {
    const id = store.nextId('product')
    const product = {
      id,
      name: `Bulk ${p}`,
      type: 'physical' as const,
      sku: `BULK-${p}`,
      price: 10,
      weight: 1,
      is_visible: true,
      availability: 'available' as const,
      inventory_tracking: 'variant' as const,
      inventory_warning_level: 0,
      date_created: now,
      date_modified: now,
      base_variant_id: 0,
      variant_ids: [] as number[],
    }
    store.products.set(id, product)
    for (let v = 0; v < VARIANTS; v++) {
      const vid = store.nextId('variant')
      store.variants.set(vid, {
        id: vid,
        product_id: id,
        sku: `BULK-${p}-${v}`,
        sku_id: store.nextId('skuId'),
        price: null,
        weight: null,
        upc: '',
        inventory_warning_level: 0,
        purchasing_disabled: false,
        bin_picking_number: '',
        option_values: [{ id: vid, label: `V${v}`, option_id: 1, option_display_name: 'Size' }],
      })
      product.variant_ids.push(vid)
      store.setLevel(1, { variantId: vid }, 3)
    }
    product.base_variant_id = product.variant_ids[0]!
  }
}

beforeAll(async () => {
  h = await startBc({
    sim: { products: 0, orders: 0, quota: 450 },
    settings: { processes: { stock: false, orders: false, fulfilments: false } },
    prepare: addCatalogue,
  })
  const run = await h.syncNow({ processes: ['articles'] })
  expect(run.status).toBe('succeeded')
  const items = Array.from({ length: TOTAL }, (_, i) => ({
    article_number: `BULK-${Math.floor(i / VARIANTS)}-${i % VARIANTS}`,
    on_hand: 10 + (i % 50),
  }))
  const res = await h.hub.request('POST', '/api/v1/stock', { items }, h.token)
  expect(res.status).toBe(200)
}, 120_000)
afterAll(async () => {
  await h?.stop()
})

it('pushes 10,000 variants in 5 writes and survives 429s and 5xx with nothing lost or repeated', async () => {
  const sim = h.sim
  sim.log.clear()
  const absolute = '/v3/inventory/adjustments/absolute'
  // Writes: batch 2 first hits a 429 with a reset time, batch 3 a 503, batch 4 is applied but its
  // response is cut off (the hub can't know it landed).
  sim.faults.add({
    method: 'PUT',
    path: absolute,
    nth: 2,
    fault: { kind: 'rate-limit', retryAfterSeconds: 0.05 },
  })
  sim.faults.add({ method: 'PUT', path: absolute, nth: 3, fault: { kind: 'status', status: 503 } })
  sim.faults.add({ method: 'PUT', path: absolute, nth: 5, fault: { kind: 'truncate' } })
  // Reads: a 500 and a 429 during the reconcile.
  sim.faults.add({
    method: 'GET',
    path: '/inventory/locations/1/items',
    nth: 3,
    fault: { kind: 'status', status: 500 },
  })
  sim.faults.add({
    method: 'GET',
    path: '/inventory/locations/1/items',
    nth: 7,
    fault: { kind: 'rate-limit', retryAfterSeconds: 0.05 },
  })

  await h.patchSettings({ processes: { stock: true } })
  const run = await h.syncNow({ processes: ['stock'] })
  expect(run.status).toBe('succeeded')
  expect(run.counts.stock.reconciled).toBe(TOTAL)

  const expected = (vid: number) => {
    const v = sim.store.variants.get(vid)!
    const [p, n] = v.sku.replace('BULK-', '').split('-').map(Number)
    return 10 + ((p! * VARIANTS + n!) % 50)
  }
  const variantIds = [...sim.store.variants.keys()]
  // The retried batches are delivered by the worker after their back-off.
  await eventually(
    async () =>
      variantIds.every(
        (vid) => sim.store.variantLevelAt(sim.store.variants.get(vid)!, 1) === expected(vid),
      ),
    60_000,
    'all 10,000 levels written',
  )

  const puts = sim.log.filter((e) => e.method === 'PUT' && e.path.endsWith(absolute))
  const applied = puts.filter(
    (e) => e.status === 200 && (e.fault === null || e.fault === 'truncate'),
  )
  expect(applied).toHaveLength(Math.ceil(TOTAL / 2000))
  const written = applied.flatMap(
    (e) => (e.body as { items: Array<{ variant_id: number; quantity: number }> }).items,
  )
  expect(written).toHaveLength(TOTAL)
  expect(new Set(written.map((i) => i.variant_id)).size).toBe(TOTAL)
  for (const i of written) expect(i.quantity).toBe(expected(i.variant_id))
  // Every write request carries at most 2,000 items.
  for (const e of puts)
    expect((e.body as { items: unknown[] }).items.length).toBeLessThanOrEqual(2000)

  // Reads: the reconcile's pages (250 per request) + the fault retries + checks before the two retried batches.
  const reads = sim.log.filter((e) => e.method === 'GET' && e.path.includes('/inventory/'))
  const pages = Math.ceil(TOTAL / 250)
  expect(reads.length).toBeLessThanOrEqual(pages + 2 + 2 * Math.ceil(2000 / 250))
  // No retry storm: 7 write attempts in all (5 batches + the 429 + the 503).
  expect(puts).toHaveLength(7)

  // A second incremental run has nothing to send.
  sim.log.clear()
  const again = await h.syncNow({ processes: ['stock'] })
  expect(again.status).toBe('succeeded')
  expect(sim.log.filter((e) => e.method === 'PUT')).toHaveLength(0)
}, 180_000)
