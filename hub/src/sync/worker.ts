/**
 * The background worker of one hub process: schedules runs on each connection's interval, executes
 * queued runs (one connection at a time per lease), and drains the outbox. Stops cleanly on
 * shutdown: it finishes the write in hand and starts nothing new.
 */

import { redactDue } from '../domain/privacy.ts'
import { recordDeliveryRun } from '../domain/runs.ts'
import type { RecordIssue } from '../domain/types.ts'
import type { Hub } from '../hub.ts'
import { parseJson } from '../store/db.ts'
import { nowIso } from '../util/ids.ts'
import { executeRun, queueRun, retryIssues } from './engine.ts'
import { drainOutbox } from './outbox-worker.ts'

/** A run whose worker died more often than this is closed instead of resumed again. */
const MAX_RESUMES = 2
const INTERRUPTED =
  'Interrupted: the hub process stopped during this run. The next run resumes from the saved checkpoints.'

export class Worker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  /** Runs executing in this process, by run id (several connections sync side by side). */
  private readonly runs = new Map<string, { connectionId: string; done: Promise<void> }>()

  constructor(
    private readonly hub: Hub,
    private readonly tickMs = 1000,
    private readonly maxConcurrentRuns = Number(process.env.DOCKHAND_CONCURRENT_RUNS ?? 4),
  ) {}

  start(): void {
    this.schedule(0)
  }

  /** Run a tick soon (a run was queued, a write was added). */
  kick(): void {
    if (this.hub.shutdown.aborted) return
    if (this.running) {
      this.again = true
      return
    }
    this.schedule(0)
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
    await Promise.allSettled([...this.runs.values()].map((r) => r.done))
  }

  private schedule(ms: number): void {
    if (this.hub.shutdown.aborted) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.running = this.tick()
        .catch((err) => this.hub.log.error({ err }, 'worker tick failed'))
        .finally(() => {
          this.running = null
          const again = this.again
          this.again = false
          this.schedule(again ? 0 : this.tickMs)
        })
    }, ms)
    this.timer.unref?.()
  }

  /**
   * Runs left "running" by a process that died (no heartbeat for longer than the run lease, so
   * the lease has run out too) go back to the queue, and whichever worker takes them next resumes
   * them from the saved checkpoints (recorded as a `run_resumed` issue on the run). One that keeps
   * losing its worker is closed as interrupted instead of taking down worker after worker.
   */
  async resumeOrphanedRuns(): Promise<void> {
    const { db } = this.hub
    const staleBefore = new Date(Date.now() - this.hub.config.runLeaseMs).toISOString()
    const orphans = await db
      .selectFrom('sync_runs')
      .select(['id', 'connection_id', 'heartbeat_at'])
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', staleBefore)
      .execute()
    for (const run of orphans) {
      if (this.hub.shutdown.aborted) return
      const resumes = await db
        .selectFrom('run_issues')
        .select('id')
        .where('run_id', '=', run.id)
        .where('code', '=', 'run_resumed')
        .execute()
      const again = resumes.length < MAX_RESUMES
      const taken = await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('sync_runs')
          .set(
            again
              ? { status: 'queued' }
              : { status: 'failed', error: INTERRUPTED, finished_at: nowIso() },
          )
          .where('id', '=', run.id)
          .where('status', '=', 'running')
          .where('heartbeat_at', '=', run.heartbeat_at)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) !== 1) return false
        if (again)
          await trx
            .insertInto('run_issues')
            .values({
              run_id: run.id,
              connection_id: run.connection_id,
              process: 'run',
              level: 'warning',
              code: 'run_resumed',
              message: `The hub process running this sync stopped (no heartbeat since ${run.heartbeat_at}); it was queued again and resumes from the saved checkpoints.`,
              platform_ref: null,
              order_id: null,
              created_at: nowIso(),
            })
            .execute()
        return true
      })
      if (taken)
        this.hub.log.warn(
          { run_id: run.id, connection_id: run.connection_id, resumed: again },
          again
            ? 'resuming a sync run whose process stopped'
            : 'closing a sync run whose process stopped too often',
        )
    }
  }

  async tick(): Promise<void> {
    const { db } = this.hub
    await this.resumeOrphanedRuns()

    // Scheduled runs.
    const due = await db
      .selectFrom('connections')
      .selectAll()
      .where('status', '=', 'active')
      .where('next_run_at', '<=', nowIso())
      .execute()
    for (const c of due) {
      if (this.hub.shutdown.aborted) return
      const interval =
        parseJson<{ interval_minutes?: number }>(c.settings, {}).interval_minutes ?? 15
      const next = new Date(Date.now() + interval * 60_000).toISOString()
      const claimed = await db
        .updateTable('connections')
        .set({ next_run_at: next })
        .where('id', '=', c.id)
        .where('next_run_at', '=', c.next_run_at)
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) !== 1) continue
      const open = await db
        .selectFrom('sync_runs')
        .select('id')
        .where('connection_id', '=', c.id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst()
      if (!open && this.hub.registry.get(c.platform))
        await queueRun(this.hub, c, { trigger: 'schedule' })
    }

    // Queued runs, oldest first, up to the concurrency limit; they go on in the background.
    const free = this.maxConcurrentRuns - this.runs.size
    if (free > 0) {
      const queued = await db
        .selectFrom('sync_runs')
        .select(['id', 'connection_id'])
        .where('status', '=', 'queued')
        .orderBy('id')
        .limit(free * 4)
        .execute()
      // One run per connection at a time (the lease guards across processes; this, within one).
      const busy = new Set([...this.runs.values()].map((r) => r.connectionId))
      for (const r of queued) {
        if (this.hub.shutdown.aborted || this.runs.size >= this.maxConcurrentRuns) break
        if (this.runs.has(r.id) || busy.has(r.connection_id)) continue
        busy.add(r.connection_id)
        const done = executeRun(this.hub, r.id)
          .then(() => undefined)
          .catch((err) => this.hub.log.error({ err, run_id: r.id }, 'run failed'))
          .finally(() => {
            this.runs.delete(r.id)
            this.kick()
          })
        this.runs.set(r.id, { connectionId: r.connection_id, done })
      }
    }

    // Everything else the outbox holds (owner webhooks, writes queued outside a run); what went
    // wrong is recorded per connection as a `delivery` run.
    const retries = new Map<string, string[]>()
    const drained = await drainOutbox(this.hub, {
      maxRounds: 50,
      retried: (reason, connectionId) => {
        const list = retries.get(connectionId) ?? []
        list.push(reason)
        retries.set(connectionId, list)
      },
    })
    const byConnection = new Map<string, RecordIssue[]>()
    for (const [connectionId, reasons] of retries)
      byConnection.set(connectionId, retryIssues(reasons))
    for (const f of drained.failed) {
      if (!f.connectionId) continue
      const list = byConnection.get(f.connectionId) ?? []
      list.push({
        code: 'write_failed',
        message: f.reason,
        platformRef: f.kind,
        level: f.final ? 'error' : 'warning',
      })
      byConnection.set(f.connectionId, list)
    }
    for (const [connectionId, issues] of byConnection)
      await recordDeliveryRun(db, connectionId, issues).catch((err) =>
        this.hub.log.warn({ err, connection_id: connectionId }, 'could not record a delivery run'),
      )

    // Privacy erasures that waited for their orders to be finished.
    const erased = await redactDue(db)
    if (erased) this.hub.log.info({ erased }, 'erased personal data on finished orders')
  }
}
