/**
 * Crash suite (npm run test:crash): per platform, a simulated shop served on loopback, the hub as
 * a child process, and a driver doing a warehouse's work (import, stock, ship in parts, returns,
 * more orders) while the hub is SIGKILLed at random moments (≥ 10 times) and restarted. At the
 * end every shop order is in the hub once and every shop-side write is in the simulator's request
 * log once (see test/proof/kits.ts for how each platform's writes are counted).
 *
 * CRASH_SEED=<n> replays a run's choices (orders, shipments, kill timings); CRASH_PLATFORMS=a,b
 * limits the platforms; CRASH_SCALE=<factor> scales the volume.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { ServedSimulator } from '../../fixtures/src/common/serve.ts'
import { type TestDatabase, testDatabase } from '../helpers/database.ts'
import { Api, converge, drive, Supervisor, serveShop, setUp } from '../proof/harness.ts'
import { createShop, PLATFORMS, type Platform } from '../proof/kits.ts'
import { SeededRng, seedFrom } from '../proof/rng.ts'

const SEED = seedFrom('CRASH_SEED')
const SCALE = Number(process.env.CRASH_SCALE ?? 1)
const MIN_KILLS = 10
const platforms = (process.env.CRASH_PLATFORMS?.split(',') as Platform[] | undefined) ?? PLATFORMS

const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

describe(`crash suite (CRASH_SEED=${SEED})`, () => {
  for (const platform of platforms) {
    it(`${platform}: every order once and every shop-side write once across ≥ ${MIN_KILLS} SIGKILLs`, async () => {
      const say = (m: string) => console.log(`[crash ${platform} seed=${SEED}] ${m}`)
      const rng = new SeededRng(SEED + PLATFORMS.indexOf(platform))
      const killRng = new SeededRng(SEED * 7 + 13 + PLATFORMS.indexOf(platform))
      const shop = createShop(platform, {
        seed: SEED % 100_000,
        products: Math.round(200 * SCALE),
        variantsPerProduct: 3,
      })
      const served: ServedSimulator = await serveShop(shop)
      cleanups.push(() => served.close())
      const db: TestDatabase = await testDatabase()
      cleanups.push(() => db.drop())
      const sup = new Supervisor(db.env)
      cleanups.push(async () => {
        await sup.stop()
        sup.cleanup()
      })
      await sup.start()
      const admin = new Api(sup)
      const { token, connectionId } = await setUp(admin, shop, served.url)
      const api = new Api(sup, token)

      // Kill at random moments while the driver works, and on until there were enough kills.
      let driving = true
      const started = Date.now()
      const killer = (async () => {
        while (driving || sup.kills < MIN_KILLS) {
          await new Promise((r) => setTimeout(r, 800 + killRng.int(3200)))
          await sup.killAndRestart()
        }
      })()
      const rec = await drive(
        api,
        shop,
        connectionId,
        {
          rng,
          initialOrders: Math.round(1200 * SCALE),
          laterOrders: Math.round(300 * SCALE),
          shipShare: 0.7,
          partialShare: 0.4,
          returnShare: 0.25,
          concurrency: 6,
        },
        say,
      ).finally(() => {
        driving = false
      })
      await killer
      say(`driver done after ${Math.round((Date.now() - started) / 1000)} s, ${sup.kills} kills`)
      const verdict = await converge(api, shop, connectionId, rec)
      say(
        `kills=${sup.kills} placed=${rec.placed.length} ${Object.entries(verdict.counts)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} api-retries=${api.networkRetries} refused=${rec.refused.length} ` +
          `time=${Math.round((Date.now() - started) / 1000)}s`,
      )
      if (rec.refused.length) say(`refused: ${rec.refused.slice(0, 5).join('; ')}`)
      if (process.env.CRASH_DEBUG) {
        const Database = (await import('better-sqlite3')).default
        const dbh = new Database(`${sup.dataDir}/dockhand.sqlite`, { readonly: true })
        say(`refused all: ${rec.refused.join('; ')}`)
        for (const p of verdict.problems) {
          let m = /^stock of (\S+) \((\S+)\)/.exec(p)
          if (!m) {
            const r = /^stock of (\S+) set to/.exec(p)
            if (!r) continue
            const st = (await api.all('/stock')).find(
              (x) => shop.itemOfSku(x.article_number) === r[1],
            )
            if (!st) {
              say(`--- ${p} (no unique-SKU article)`)
              for (const e of shop.log.entries) {
                const sets = shop.stockSets(e).filter((x) => x.item === r[1])
                if (sets.length) say(`  shop set #${e.seq} q=${sets.map((x) => x.quantity)}`)
              }
              continue
            }
            m = [p, st.article_number, r[1]] as unknown as RegExpExecArray
          }
          const [, sku, item] = m
          say(`--- ${p}`)
          for (const e of shop.log.entries) {
            const sets = shop.stockSets(e).filter((x) => x.item === item)
            if (sets.length)
              say(
                `  shop set #${e.seq} ${e.at} q=${sets.map((x) => x.quantity)} status=${e.status} fault=${e.fault}`,
              )
          }
          rec.shopChanges.forEach((c, i) => {
            if (c.items.includes(item!))
              say(`  order placed #${i} ext=${rec.placed[i]} afterSeq=${c.afterSeq}`)
          })
          const art = dbh.prepare('select id from articles where article_number=?').get(sku) as any
          const link = dbh
            .prepare('select * from article_links where article_id=?')
            .get(art.id) as any
          for (const o of dbh
            .prepare(
              'select o.id, o.external_id, o.status, o.updated_at, o.attention, l.quantity, l.shipped_quantity from order_lines l join orders o on o.id=l.order_id where l.article_id=? order by o.id',
            )
            .all(art.id) as any[])
            say(
              `  hub order ${o.id} ext=${o.external_id} ${o.status} q=${o.quantity} shipped=${o.shipped_quantity} upd=${o.updated_at} att=${o.attention.slice(0, 200)}`,
            )
          say(`  link ${JSON.stringify(link)}`)
          for (const j of dbh
            .prepare('select * from stock_journal where article_id=? order by id')
            .all(art.id))
            say(`  journal ${JSON.stringify(j)}`)
          for (const o of dbh
            .prepare(
              "select id, status, attempts, created_at, delivered_at, last_error, payload from outbox where kind='stock.set' order by id",
            )
            .all() as any[]) {
            const it = JSON.parse(o.payload).items.find((x: any) => x.linkId === link.id)
            if (it)
              say(
                `  outbox ${o.id} ${o.status} att=${o.attempts} created=${o.created_at} delivered=${o.delivered_at} q=${it.quantity} err=${o.last_error}`,
              )
          }
        }
        for (const e of shop.log.writes()) {
          const raw = JSON.stringify(e.body ?? '')
          for (const m of raw.matchAll(/TRK[0-9A-Z]+X/g))
            if (!rec.tracking.has(m[0]))
              say(
                `  unbounded token ${m[0]} in #${e.seq} ${e.method} ${e.path}: …${raw.slice(Math.max(0, m.index! - 60), m.index! + 30)}…`,
              )
        }
        for (const r of dbh
          .prepare(
            'select id, processes, status, full, error, created_at, started_at, finished_at from sync_runs order by id',
          )
          .all())
          say(`  run ${JSON.stringify(r)}`)
        dbh.close()
      }
      expect(sup.kills).toBeGreaterThanOrEqual(MIN_KILLS)
      expect(verdict.problems.slice(0, 20)).toEqual([])
    }, 600_000)
  }
})
