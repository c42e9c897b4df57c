/**
 * The outbox survives SIGKILL: writes queued before the crash are delivered after the restart,
 * each exactly once, and a write that was in flight when the process died is retried under the
 * same delivery id (so the receiver can tell it is the same write).
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { type TestDatabase, testDatabase } from '../helpers/database.ts'
import { eventually } from '../helpers/hub.ts'
import { api, type HubProcess, spawnHub } from '../helpers/process.ts'

const TOKEN = 'dh_admin_crash_test_0123456789abcdef'
const dataDir = mkdtempSync(join(tmpdir(), 'dockhand-crash-'))
let hub: HubProcess | null = null
let receiver: Server
let database: TestDatabase

/** Receiver of the goods owner's event webhook. `mode` decides how it answers. */
let mode: 'hold' | 'ok' = 'hold'
const held: ServerResponse[] = []
const seen: string[] = []
const acknowledged: string[] = []

afterAll(async () => {
  await hub?.kill()
  for (const res of held) res.destroy()
  receiver?.closeAllConnections()
  await new Promise((r) => receiver?.close(r))
  rmSync(dataDir, { recursive: true, force: true })
  await database?.drop()
})

it('delivers every queued write exactly once across a SIGKILL', async () => {
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const id = String(req.headers['x-dockhand-delivery'])
    req.resume()
    req.on('end', () => {
      seen.push(id)
      if (mode === 'hold') {
        held.push(res)
        return
      }
      acknowledged.push(id)
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`
  database = await testDatabase()
  // A short outbox lease so that, on PostgreSQL, the dead worker's claim expires quickly.
  const env = {
    DOCKHAND_DATA_DIR: dataDir,
    DOCKHAND_ADMIN_TOKEN: TOKEN,
    DOCKHAND_OUTBOX_LEASE_SECONDS: '3',
    ...database.env,
  }

  hub = await spawnHub(env)
  const owner = (await api(hub.url, TOKEN, 'POST', '/api/v1/goods-owners', { name: 'Crash Test' }))
    .body
  await api(hub.url, TOKEN, 'PATCH', `/api/v1/goods-owners/${owner.id}`, {
    webhook_url: receiverUrl,
    webhook_secret: 'a-long-enough-secret',
  })
  await api(hub.url, TOKEN, 'POST', '/api/v1/articles', {
    goods_owner_id: owner.id,
    article_number: 'BOX-1',
    name: 'Box',
  })
  const N = 25
  for (let i = 1; i <= N; i++) {
    const res = await api(hub.url, TOKEN, 'POST', '/api/v1/stock', {
      goods_owner_id: owner.id,
      items: [{ article_number: 'BOX-1', on_hand: i }],
    })
    expect(res.status).toBe(200)
  }
  // The worker has taken the first write and is waiting on the receiver; the rest are queued.
  await eventually(async () => seen.length >= 1, 20_000, 'the first delivery to reach the receiver')
  const code = await hub.kill('SIGKILL')
  expect(code).toBeNull()
  for (const res of held) res.destroy()
  expect(acknowledged).toEqual([])

  mode = 'ok'
  hub = await spawnHub(env)
  await eventually(async () => new Set(acknowledged).size === N, 30_000, `all ${N} deliveries`)
  const events = (
    await api(
      hub.url,
      TOKEN,
      'GET',
      `/api/v1/events?after=0&type=stock.changed&goods_owner_id=${owner.id}`,
    )
  ).body.data
  const expected = events.map((e: { seq: number }) => `event:${e.seq}`).sort()
  expect(expected).toHaveLength(N)
  // Each write acknowledged exactly once, and nothing delivered that was not queued.
  expect([...acknowledged].sort()).toEqual(expected)
  // The write in flight at the kill was sent again after the restart, under the same id.
  const first = seen[0]!
  expect(seen.filter((id) => id === first)).toHaveLength(2)
  // SQLite: the restarted process re-queues at once. PostgreSQL: the dead worker's lease expires.
  if (database.kind === 'sqlite')
    expect(hub.output()).toMatch(/recovered work interrupted by the previous stop/)
  // And it stays that way: nothing more is sent once everything is delivered.
  const before = seen.length
  await new Promise((r) => setTimeout(r, 1500))
  expect(seen.length).toBe(before)
}, 90_000)
