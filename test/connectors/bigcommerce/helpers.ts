/**
 * A real hub (loopback, temp SQLite) wired to the BigCommerce simulator through MSW in-process.
 */
import { setupServer } from 'msw/node'
import { expect } from 'vitest'
import {
  type BigCommerceSimulatorOptions,
  createBigCommerceSimulator,
} from '../../../fixtures/src/bigcommerce/index.ts'
import { serveSimulator } from '../../../fixtures/src/common/serve.ts'
import { createRegistry } from '../../../hub/src/connectors/index.ts'
import { eventually, startTestHub, type TestHub } from '../../helpers/hub.ts'

export type Sim = ReturnType<typeof createBigCommerceSimulator>

export interface BcHarness {
  sim: Sim
  hub: TestHub
  token: string
  connectionId: string
  server: ReturnType<typeof setupServer>
  syncNow(body?: { processes?: string[]; full?: boolean }): Promise<any>
  waitRun(runId: string): Promise<any>
  issues(runId: string): Promise<Array<{ code: string; message: string; process: string }>>
  patchSettings(settings: Record<string, unknown>): Promise<void>
  stop(): Promise<void>
}

export async function startBc(
  options: {
    sim?: BigCommerceSimulatorOptions
    settings?: Record<string, unknown>
    publicUrlIsSelf?: boolean
    /** Serve the simulator on a real loopback port instead of MSW (webhook deliveries need it). */
    serve?: boolean
    prepare?: (sim: Sim) => void
  } = {},
): Promise<BcHarness> {
  // A generous quota: these tests are about behaviour, not about waiting for the 30-s window
  // (pacing is tested on a fake clock in field.test.ts).
  const sim = createBigCommerceSimulator({ seed: 7, quota: 5000, ...options.sim })
  options.prepare?.(sim)
  const served = options.serve ? await serveSimulator(sim) : null
  if (served) sim.setOrigin(served.url)
  const server = setupServer(...(served ? [] : sim.mswHandlers()))
  if (!served)
    server.listen({
      onUnhandledRequest(req, print) {
        if (new URL(req.url).hostname !== '127.0.0.1') print.error()
      },
    })
  const hub = await startTestHub({
    registry: createRegistry(),
    ...(options.publicUrlIsSelf ? { publicUrlIsSelf: true } : {}),
  })
  const owner = (await hub.request('POST', '/api/v1/goods-owners', { name: 'BC Shop' })).body.id
  const token = (
    await hub.request('POST', '/api/v1/tokens', {
      name: 'wms',
      role: 'owner',
      goods_owner_id: owner,
    })
  ).body.token
  await hub.request(
    'PUT',
    '/api/v1/shipping-rules',
    { rules: [{ pattern: '*', way_of_delivery: 'PARCEL' }] },
    token,
  )
  const created = await hub.request(
    'POST',
    '/api/v1/connections',
    {
      platform: 'bigcommerce',
      name: 'BC',
      shop_ref: sim.describe().apiPath,
      credentials: { access_token: sim.credentials.accessToken },
      settings: options.settings ?? {},
    },
    token,
  )
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const connectionId = created.body.id as string

  const waitRun = (runId: string) =>
    eventually(
      async () => {
        const r = await hub.request('GET', `/api/v1/runs/${runId}`, undefined, token)
        return ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.body.status)
          ? r.body
          : null
      },
      120_000,
      `run ${runId}`,
    )
  const harness: BcHarness = {
    sim,
    hub,
    token,
    connectionId,
    server,
    waitRun,
    async syncNow(body) {
      // Let an automatically scheduled run finish first, so this one runs what it asks for.
      await eventually(async () => {
        const runs = await hub.request(
          'GET',
          `/api/v1/connections/${connectionId}/runs`,
          undefined,
          token,
        )
        return runs.body.data.every((r: { status: string }) =>
          ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.status),
        )
      }, 120_000)
      const res = await hub.request(
        'POST',
        `/api/v1/connections/${connectionId}/sync`,
        body ?? {},
        token,
      )
      expect(res.status).toBe(202)
      return waitRun(res.body.run_id)
    },
    async issues(runId) {
      const res = await hub.request(
        'GET',
        `/api/v1/runs/${runId}/issues?limit=200`,
        undefined,
        token,
      )
      return res.body.data
    },
    async patchSettings(settings) {
      const res = await hub.request(
        'PATCH',
        `/api/v1/connections/${connectionId}`,
        { settings },
        token,
      )
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    },
    async stop() {
      await hub.stop()
      if (served) await served.close()
      else server.close()
    },
  }
  return harness
}
