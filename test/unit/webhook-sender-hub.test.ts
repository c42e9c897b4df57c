/**
 * Regression: the simulators' webhook sender reaches a real hub running in the same process as MSW.
 * It failed with "Request with GET/HEAD method cannot have body": @hono/node-server replaces
 * `globalThis.Request`, and MSW's fetch interceptor lost the method of such a Request object.
 */
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebhookSender } from '../../fixtures/src/common/webhooks.ts'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'
import { createRegistry } from '../../hub/src/connectors/index.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'

const sim = createWooCommerceSimulator({ products: 1, orders: 0 })
const server = setupServer(...sim.mswHandlers())
let hub: TestHub
beforeAll(async () => {
  server.listen({
    onUnhandledRequest(req, print) {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error()
    },
  })
  hub = await startTestHub({ registry: createRegistry() })
})
afterAll(async () => {
  await hub.stop()
  server.close()
})

it('delivers a POST with its body to a hub in the same process as MSW and the hub', async () => {
  const sender = new WebhookSender()
  const d = await sender.send(
    `${hub.url}/webhooks/woocommerce/con_does_not_exist`,
    { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': 'x' },
    '{"id":1}',
  )
  expect(d.error).toBeNull()
  // The hub answered the POST itself (no such connection), not a transport error.
  expect(d.status).toBeGreaterThanOrEqual(400)
  expect(d.status).toBeLessThan(500)
  // The simulator's own routes are still intercepted by MSW.
  expect((await fetch(`${sim.origin}/wp-json/wc/v3`)).status).toBe(200)
})
