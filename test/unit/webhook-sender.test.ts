import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebhookSender } from '../../fixtures/src/common/webhooks.ts'

const server = setupServer()
const got: Array<{ method: string; body: string; sig: string | undefined }> = []
const receiver = createServer((req, res) => {
  let body = ''
  req.on('data', (d) => (body += d))
  req.on('end', () => {
    got.push({ method: req.method ?? '', body, sig: req.headers['x-sig'] as string | undefined })
    res.writeHead(200).end()
  })
})
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
})
afterAll(async () => {
  server.close()
  await new Promise((r) => receiver.close(r))
})

it('delivers a signed POST to a real loopback receiver while MSW intercepts everything else', async () => {
  const sender = new WebhookSender()
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  const d = await sender.send(url, { 'x-sig': 'abc' }, '{"id":1}')
  expect(d.error).toBeNull()
  expect(d.status).toBe(200)
  expect(got).toEqual([{ method: 'POST', body: '{"id":1}', sig: 'abc' }])
})
