/**
 * Stock safety guard: one bad warehouse import must not empty a shop. A push that would set more
 * than the configured share (default 20 %) of a shop's stocked variants to zero at once is held
 * and reported; a person confirms it, or fixes the balances.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { FakeShop, fakeRegistry } from '../helpers/fake-connector.ts'
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts'

let hub: TestHub
const shop = new FakeShop()
let owner: string
let connection: string

async function sync(processes: string[]) {
  const res = await hub.request('POST', `/api/v1/connections/${connection}/sync`, { processes })
  return eventually(async () => {
    const r = await hub.request('GET', `/api/v1/runs/${res.body.run_id}`)
    return ['succeeded', 'partial', 'failed'].includes(r.body.status) ? r.body : null
  })
}

beforeAll(async () => {
  hub = await startTestHub({ registry: fakeRegistry(shop) })
  owner = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Guarded' })).body.id
  connection = (
    await hub.request('POST', '/api/v1/connections', {
      platform: 'woocommerce',
      name: 'S',
      goods_owner_id: owner,
      credentials: { api_key: 'good-key' },
    })
  ).body.id
  for (let i = 1; i <= 10; i++) shop.addProduct(`G-${i}`)
  await sync(['articles'])
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: Array.from({ length: 10 }, (_, i) => ({ article_number: `G-${i + 1}`, on_hand: 5 })),
  })
  await sync(['stock'])
})
afterAll(async () => {
  await hub?.stop()
})

it('pushes ordinary changes, including a few zeros', async () => {
  expect([...shop.stock.values()]).toEqual(Array(10).fill(5))
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: [
      { article_number: 'G-1', on_hand: 0 },
      { article_number: 'G-2', on_hand: 9 },
    ],
  })
  const run = await sync(['stock'])
  expect(run.counts.stock.queued).toBe(2)
  expect(shop.stock.get('1')).toBe(0)
  expect(shop.stock.get('2')).toBe(9)
})

it('holds a push that would zero more than 20 % of the stocked variants, and says why', async () => {
  const before = new Map(shop.stock)
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: ['G-3', 'G-4', 'G-5', 'G-6'].map((n) => ({ article_number: n, on_hand: 0 })),
  })
  const run = await sync(['stock'])
  expect(run.counts.stock.held).toBe(4)
  expect(shop.stock).toEqual(before)
  const issues = await hub.request('GET', `/api/v1/runs/${run.id}/issues`)
  const guard = issues.body.data.find((i: { code: string }) => i.code === 'stock_guard_held')
  expect(guard.message).toMatch(/would set 4 of 10 stocked variants \(40%\) to zero/)
  // Another run does not queue the same push again, nor send it.
  const again = await sync(['stock'])
  expect(again.counts.stock?.queued ?? 0).toBe(0)
  expect(shop.stock).toEqual(before)
})

it('sends the held push once a person confirms it', async () => {
  const confirmed = await hub.request('POST', `/api/v1/connections/${connection}/stock/confirm`)
  expect(confirmed.body.released).toBeGreaterThan(0)
  await sync(['stock'])
  for (const id of ['3', '4', '5', '6']) expect(shop.stock.get(id)).toBe(0)
})

it('discards a held push on request, and the next run plans from the fixed balances', async () => {
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: ['G-2', 'G-9', 'G-10'].map((n) => ({ article_number: n, on_hand: 0 })),
  })
  const held = await sync(['stock'])
  expect(held.counts.stock.held).toBe(3)
  // The warehouse notices the bad import and puts the real numbers back.
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: ['G-2', 'G-9', 'G-10'].map((n) => ({ article_number: n, on_hand: 7 })),
  })
  const discarded = await hub.request('POST', `/api/v1/connections/${connection}/stock/discard`)
  expect(discarded.body.discarded).toBeGreaterThan(0)
  const run = await sync(['stock'])
  expect(run.counts.stock.queued).toBe(3)
  for (const id of ['2', '9', '10']) expect(shop.stock.get(id)).toBe(7)
})

it('honours a per-connection share', async () => {
  await hub.request('PATCH', `/api/v1/connections/${connection}`, {
    settings: { stock_zero_guard_share: 0.5 },
  })
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: ['G-7', 'G-8', 'G-9'].map((n) => ({ article_number: n, on_hand: 0 })),
  })
  const run = await sync(['stock'])
  // 3 of 10 (30 %) would be held under the default 20 %; this connection allows 50 %.
  expect(run.counts.stock.queued).toBe(3)
  expect(shop.stock.get('7')).toBe(0)
  expect(shop.stock.get('8')).toBe(0)
})

it('keeps writes for a paused connection waiting without using up their attempts', async () => {
  await hub.request('PATCH', `/api/v1/connections/${connection}`, { status: 'paused' })
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner,
    items: [{ article_number: 'G-10', on_hand: 42 }],
  })
  await sync(['stock'])
  // Let the worker tick a few times while paused.
  await new Promise((r) => setTimeout(r, 1500))
  expect(shop.stock.get('10')).not.toBe(42)
  const waiting = await hub.running.hub.db
    .selectFrom('outbox')
    .selectAll()
    .where('connection_id', '=', connection)
    .where('status', '=', 'pending')
    .execute()
  expect(waiting.length).toBeGreaterThan(0)
  expect(waiting.every((w) => w.attempts === 0)).toBe(true)
  await hub.request('PATCH', `/api/v1/connections/${connection}`, { status: 'active' })
  await sync(['stock'])
  expect(shop.stock.get('10')).toBe(42)
})
