/**
 * Fault soak (npm run test:faults): per platform, the same seeded day of warehouse work twice —
 * once against a clean simulator, once against one that answers a fixed share of calls with a 5xx,
 * a 429 with Retry-After, a connection reset or a cut-off JSON body, plus a few calls that hang
 * until the hub's client times out. The disturbed run must end in the same hub and shop state as
 * the clean one, with every shop-side write once, and the failures the hub saw must be in the run
 * log with a readable reason.
 *
 * FAULT_SEED=<n> replays; FAULT_PLATFORMS=a,b limits; FAULT_RATE=<0..1> is the share per fault kind.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../helpers/database.ts'
import {
  Api,
  type ApiResult,
  converge,
  drive,
  endState,
  Supervisor,
  serveShop,
  setUp,
} from '../proof/harness.ts'
import { createShop, PLATFORMS, type Platform, type Shop } from '../proof/kits.ts'
import { SeededRng, seedFrom } from '../proof/rng.ts'

const SEED = seedFrom('FAULT_SEED')
const RATE = Number(process.env.FAULT_RATE ?? 0.02)
const platforms = (process.env.FAULT_PLATFORMS?.split(',') as Platform[] | undefined) ?? PLATFORMS

const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

function injectFaults(shop: Shop) {
  const f = shop.faults
  f.add({ method: '*', rate: RATE, fault: { kind: 'status', status: 503 } })
  f.add({ method: '*', rate: RATE, fault: { kind: 'status', status: 500 } })
  f.add({ method: '*', rate: RATE, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } })
  f.add({ method: '*', rate: RATE, fault: { kind: 'reset' } })
  f.add({ method: '*', rate: RATE, fault: { kind: 'truncate' } })
  // Timeouts: two calls (a read and a write) that never answer; the hub's client gives up.
  f.add({ method: 'GET', nth: 25, fault: { kind: 'hang' } })
  f.add({ method: 'POST', nth: 60, fault: { kind: 'hang' } })
}

async function day(platform: Platform, faulty: boolean, say: (m: string) => void) {
  const shop = createShop(platform, { seed: SEED % 100_000, products: 60, variantsPerProduct: 3 })
  const served = await serveShop(shop)
  cleanups.push(() => served.close())
  const db = await testDatabase()
  cleanups.push(() => db.drop())
  const sup = new Supervisor(db.env)
  cleanups.push(async () => {
    await sup.stop()
    sup.cleanup()
  })
  await sup.start()
  const admin = new Api(sup)
  // WooCommerce's client timeout is a setting; Shopify's and BigCommerce's are 30 s.
  const settings = platform === 'woocommerce' ? { request_timeout_seconds: 5 } : {}
  const { token, connectionId } = await setUp(admin, shop, served.url, settings)
  const api = new Api(sup, token)
  if (faulty) injectFaults(shop)
  const rec = await drive(api, shop, connectionId, {
    rng: new SeededRng(SEED + PLATFORMS.indexOf(platform)),
    initialOrders: 250,
    laterOrders: 50,
    shipShare: 0.7,
    partialShare: 0.4,
    returnShare: 0.25,
    concurrency: 4,
  })
  const verdict = await converge(api, shop, connectionId, rec, 180_000)
  shop.faults.clear()
  const state = await endState(api, shop, rec)
  const runs = await api.all(`/connections/${connectionId}/runs`, 200)
  const issues: Array<ApiResult['body']> = []
  for (const r of runs) {
    const res = await api.call('GET', `/runs/${r.id}/issues?limit=5000`)
    issues.push(...res.body.data.map((i: object) => ({ ...i, run_status: r.status })))
  }
  const injected = new Map<string, number>()
  for (const e of shop.log.entries)
    if (e.fault) injected.set(e.fault, (injected.get(e.fault) ?? 0) + 1)
  say(
    `${faulty ? 'faulty' : 'clean'}: ${Object.entries(verdict.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} runs=${runs.length} issues=${issues.length} injected=${JSON.stringify(
      Object.fromEntries(injected),
    )}`,
  )
  return { verdict, state, issues, runs, injected }
}

describe(`fault soak (FAULT_SEED=${SEED}, rate ${RATE} per fault kind)`, () => {
  for (const platform of platforms) {
    it(`${platform}: converges to the clean run's end state, failures in the run log`, async () => {
      const say = (m: string) => console.log(`[faults ${platform} seed=${SEED}] ${m}`)
      const clean = await day(platform, false, say)
      const faulty = await day(platform, true, say)
      for (const i of faulty.issues.filter((x) => x.level === 'error').slice(0, 8))
        say(`  error [${i.process}] ${i.code}: ${i.message}`)
      expect(faulty.state.orders).toEqual(clean.state.orders)
      expect(clean.verdict.problems.slice(0, 10)).toEqual([])
      expect(faulty.verdict.problems.slice(0, 10)).toEqual([])
      expect(faulty.state.writes).toEqual(clean.state.writes)
      expect(faulty.state.stock).toEqual(clean.state.stock)
      expect([...faulty.injected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(20)
      // What the hub reported: readable sentences, no stack traces or object dumps.
      const failures = faulty.issues.filter(
        (i) => i.code !== 'missing_sku' && i.code !== 'duplicate_sku',
      )
      for (const i of failures) {
        expect(i.message, JSON.stringify(i)).toMatch(/^[A-Z0-9"'(]/)
        expect(i.message).not.toMatch(/\[object Object\]|^\s*at |undefined$/)
      }
      // Every fault the hub met is in the run log: a call tried again ("retried", counted with
      // the "N more" summary line), a write that failed and waits for its next attempt, or a
      // process that failed.
      let seen = 0
      for (const i of failures) {
        if (i.code === 'retried') seen += Number(/^(\d+) more calls/.exec(i.message)?.[1] ?? 1)
        else if (i.code === 'write_failed' || i.code === 'process_failed') seen++
      }
      const injectedTotal = [...faulty.injected.values()].reduce((a, b) => a + b, 0)
      say(`faults injected ${injectedTotal}, failures in the run log ${seen}`)
      expect(seen).toBeGreaterThanOrEqual(injectedTotal)
      const byCode = new Map<string, number>()
      for (const i of failures) byCode.set(i.code, (byCode.get(i.code) ?? 0) + 1)
      say(`issues by code: ${JSON.stringify(Object.fromEntries(byCode))}`)
      for (const i of failures.slice(0, 6)) say(`  e.g. [${i.process}] ${i.message}`)
      // Runs that did not succeed say why.
      for (const r of faulty.runs.filter((x) => x.status === 'failed'))
        expect(String(r.error ?? ''), JSON.stringify(r)).toMatch(/\w{3,}/)
    }, 900_000)
  }
})
