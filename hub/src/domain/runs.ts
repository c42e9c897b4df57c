/** Sync runs: status, per-process counts and progress, and per-record issues. */
import type { Process } from '../../../shared/src/platforms.ts'
import { parseJson, type Queryable } from '../store/db.ts'
import type { SyncRun } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'
import type { RecordIssue } from './types.ts'

export type Counts = Record<string, Record<string, number>>
export type Progress = Record<
  string,
  {
    done: number
    total: number | null
    state: 'pending' | 'running' | 'done' | 'failed' | 'skipped'
  }
>

export async function createRun(
  db: Queryable,
  input: { connectionId: string; trigger: SyncRun['trigger']; processes: Process[]; full: boolean },
): Promise<SyncRun> {
  const progress: Progress = Object.fromEntries(
    input.processes.map((p) => [p, { done: 0, total: null, state: 'pending' }]),
  )
  const run: SyncRun = {
    id: newId('run'),
    connection_id: input.connectionId,
    trigger: input.trigger,
    processes: JSON.stringify(input.processes),
    status: 'queued',
    full: input.full ? 1 : 0,
    counts: '{}',
    progress: JSON.stringify(progress),
    error: null,
    started_at: null,
    finished_at: null,
    created_at: nowIso(),
    heartbeat_at: null,
  }
  await db.insertInto('sync_runs').values(run).execute()
  return run
}

export async function addIssues(
  db: Queryable,
  run: SyncRun,
  process: string,
  issues: RecordIssue[],
  orderId?: string | null,
): Promise<void> {
  if (!issues.length) return
  const now = nowIso()
  for (let i = 0; i < issues.length; i += 200) {
    await db
      .insertInto('run_issues')
      .values(
        issues.slice(i, i + 200).map((issue) => ({
          run_id: run.id,
          connection_id: run.connection_id,
          process,
          level: issue.level ?? 'error',
          code: issue.code,
          message: issue.message.slice(0, 4000),
          platform_ref: issue.platformRef ?? null,
          order_id: orderId ?? null,
          created_at: now,
        })),
      )
      .execute()
  }
}

export function runView(run: SyncRun, issueCount?: { errors: number; warnings: number }) {
  return {
    id: run.id,
    connection_id: run.connection_id,
    trigger: run.trigger,
    processes: parseJson<string[]>(run.processes, []),
    full: run.full === 1,
    status: run.status,
    counts: parseJson<Counts>(run.counts, {}),
    progress: parseJson<Progress>(run.progress, {}),
    error: run.error,
    issues: issueCount ?? undefined,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
  }
}

/**
 * Writes delivered between runs (a shipment registered through the API goes out at once) have no
 * run of their own; when some of them failed, or needed calls tried again, a finished run with
 * trigger `delivery` records it, so every failure is in a connection's run log.
 */
export async function recordDeliveryRun(
  db: Queryable,
  connectionId: string,
  issues: RecordIssue[],
): Promise<void> {
  if (!issues.length) return
  const now = nowIso()
  const final = issues.filter((i) => i.level !== 'warning').length
  const run: SyncRun = {
    id: newId('run'),
    connection_id: connectionId,
    trigger: 'delivery',
    processes: '[]',
    status: final ? 'partial' : 'succeeded',
    full: 0,
    counts: '{}',
    progress: '{}',
    error: final
      ? `${final} write${final === 1 ? '' : 's'} between runs failed for good; see the run's issues.`
      : null,
    started_at: now,
    finished_at: now,
    created_at: now,
    heartbeat_at: null,
  }
  await db.insertInto('sync_runs').values(run).execute()
  await addIssues(db, run, 'delivery', issues)
}
