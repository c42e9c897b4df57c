/** `npm run demo` starts the hub with the three simulated shops, imports their orders, and the printed commands work. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { eventually } from '../helpers/hub.ts'
import { REPO } from '../helpers/process.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'dockhand-demo-'))
let child: ReturnType<typeof spawn> | null = null
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  rmSync(dataDir, { recursive: true, force: true })
})

it('runs the sandbox: three shops connected, orders imported, shipping one reaches the simulated shop', async () => {
  child = spawn('npm', ['run', 'demo', '--silent'], {
    cwd: REPO,
    env: { ...process.env, PORT: '0', DOCKHAND_DATA_DIR: dataDir, DEMO_ORDER_EVERY_MS: '3600000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += String(d)))
  child.stderr!.on('data', (d) => (out += String(d)))
  await eventually(
    async () => out.includes('Dockhand demo is running'),
    120_000,
    `the demo to start:\n${out}`,
  )
  expect(out).not.toMatch(/skipping|could not connect/)
  const hub = /Hub: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!
  const token = /WMS token: +(dh_owner_\S+)/.exec(out)![1]!
  const get = async (path: string) =>
    (
      await fetch(`${hub}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })
    ).json() as Promise<any>
  const connections = await get('/connections')
  expect(connections.data.map((c: { platform: string }) => c.platform).sort()).toEqual([
    'bigcommerce',
    'shopify',
    'woocommerce',
  ])
  const orders = await eventually(
    async () => {
      const o = await get('/orders?status=open&limit=100')
      return o.data.length > 0 ? o.data : null
    },
    60_000,
    'open orders',
  )
  const order = orders[0]
  const shipped = await fetch(`${hub}/api/v1/orders/${order.id}/ship`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      tracking_number: 'DEMO123',
      carrier: 'PostNord',
      tracking_url: 'https://tracking.example/DEMO123',
    }),
  })
  expect(shipped.status).toBe(201)
  // The demo prints every write the hub makes to a simulated shop.
  await fetch(`${hub}/api/v1/connections/${order.connection_id}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ processes: ['fulfilments'] }),
  })
  const platform = connections.data.find(
    (c: { id: string }) => c.id === order.connection_id,
  ).platform
  const ext = order.external_id
  const fulfilment = {
    woocommerce: new RegExp(`woocommerce +← (POST|PUT) /wp-json/wc/v3/orders/${ext}(/notes)?\\b`),
    shopify: /shopify +← mutation:fulfillmentCreate/,
    bigcommerce: new RegExp(`bigcommerce +← POST /stores/\\w+/v2/orders/${ext}/shipments`),
  }[platform as 'woocommerce' | 'shopify' | 'bigcommerce']
  await eventually(
    async () => fulfilment.test(out),
    60_000,
    `the ${platform} shop to receive the shipment:\n${out}`,
  )
}, 240_000)
