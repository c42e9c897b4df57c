/** Manual article import (as in the OGOship seed): the shop's products are listed with their link status; the chosen ones become articles. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ConnectorRegistry } from '../../hub/src/sync/connector.ts'
import { FakeShop, fakeConnector } from '../helpers/fake-connector.ts'
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts'

let hub: TestHub
const shop = new FakeShop()
let connection: string

beforeAll(async () => {
  const base = fakeConnector(shop)
  // This shop also has a product without SKU, which the connector reports instead of yielding.
  const connector = {
    ...base,
    async *pullArticles(ctx: never, from: never, o: never) {
      for await (const batch of base.pullArticles!(ctx, from, o)) {
        yield {
          ...batch,
          issues: [
            {
              code: 'missing_sku',
              message: 'Product 99 "Mystery box" has no SKU.',
              platformRef: '99',
            },
          ],
        }
      }
    },
  }
  hub = await startTestHub({ registry: new ConnectorRegistry().register(connector as never) })
  const owner = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Picky' })).body.id
  connection = (
    await hub.request('POST', '/api/v1/connections', {
      platform: 'woocommerce',
      name: 'S',
      goods_owner_id: owner,
      credentials: { api_key: 'good-key' },
      settings: { article_import: 'manual' },
    })
  ).body.id
  for (const sku of ['M-1', 'M-2', 'M-3']) shop.addProduct(sku)
})
afterAll(async () => {
  await hub?.stop()
})

it('lists shop products with their status instead of creating articles, and imports the chosen ones', async () => {
  const queued = await hub.request('POST', `/api/v1/connections/${connection}/sync`, {
    processes: ['articles'],
  })
  await eventually(
    async () =>
      (await hub.request('GET', `/api/v1/runs/${queued.body.run_id}`)).body.status === 'succeeded',
  )
  expect((await hub.request('GET', '/api/v1/articles')).body.data).toHaveLength(0)
  const listed = await hub.request('GET', `/api/v1/connections/${connection}/products?limit=100`)
  const byStatus = (st: string) =>
    listed.body.data.filter((p: { status: string }) => p.status === st)
  expect(
    byStatus('new')
      .map((p: { sku: string }) => p.sku)
      .sort(),
  ).toEqual(['M-1', 'M-2', 'M-3'])
  expect(byStatus('missing_sku')).toEqual([
    expect.objectContaining({ product_id: '99', name: expect.stringMatching(/no SKU/) }),
  ])
  const chosen = byStatus('new')
    .filter((p: { sku: string }) => p.sku !== 'M-3')
    .map((p: { id: string }) => p.id)
  const imported = await hub.request('POST', `/api/v1/connections/${connection}/products/import`, {
    ids: chosen,
  })
  expect(imported.body).toMatchObject({ created: 2 })
  const articles = await hub.request('GET', '/api/v1/articles')
  expect(
    articles.body.data.map((a: { article_number: string }) => a.article_number).sort(),
  ).toEqual(['M-1', 'M-2'])
  const after = await hub.request('GET', `/api/v1/connections/${connection}/products?status=linked`)
  expect(after.body.data).toHaveLength(2)
  const bad = await hub.request('POST', `/api/v1/connections/${connection}/products/import`, {
    ids: ['spr_nope'],
  })
  expect(bad.status).toBe(422)
})
