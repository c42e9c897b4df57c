/** Events pushed to a goods owner's webhook URL are HMAC-signed and carry a stable delivery id. */
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, expect, it } from 'vitest'
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts'

let hub: TestHub
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
const receiver = createServer((req, res) => {
  let body = ''
  req.on('data', (d) => (body += d))
  req.on('end', () => {
    received.push({ headers: req.headers, body })
    res.writeHead(received.length === 1 ? 503 : 204).end()
  })
})

afterAll(async () => {
  await hub?.stop()
  await new Promise((r) => receiver.close(r))
})

it('signs each event with the owner secret and retries a 5xx under the same delivery id', async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  hub = await startTestHub()
  const owner = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Hooked' })).body
  const secret = 'whsec_0123456789abcdef'
  const patched = await hub.request('PATCH', `/api/v1/goods-owners/${owner.id}`, {
    webhook_url: url,
    webhook_secret: secret,
  })
  expect(patched.body).toMatchObject({ webhook_url: url, has_webhook_secret: true })
  expect(JSON.stringify(patched.body)).not.toContain(secret)
  await hub.request('POST', '/api/v1/articles', {
    goods_owner_id: owner.id,
    article_number: 'A-1',
    name: 'A',
  })
  await hub.request('POST', '/api/v1/stock', {
    goods_owner_id: owner.id,
    items: [{ article_number: 'A-1', on_hand: 3 }],
  })
  // The first attempt gets a 503; the retry (after backoff) is accepted.
  await eventually(async () => received.length >= 2, 20_000, 'a retried delivery')
  const [first, second] = received
  expect(first!.headers['x-dockhand-delivery']).toBe(second!.headers['x-dockhand-delivery'])
  const sig = String(second!.headers['x-dockhand-signature'])
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig)
  expect(m).not.toBeNull()
  const expected = createHmac('sha256', secret).update(`${m![1]}.${second!.body}`).digest('hex')
  expect(m![2]).toBe(expected)
  const event = JSON.parse(second!.body)
  expect(event).toMatchObject({
    type: 'stock.changed',
    data: { items: [{ article_number: 'A-1', on_hand: 3 }] },
  })
  expect(second!.headers['x-dockhand-event']).toBe('stock.changed')
})
