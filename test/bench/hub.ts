/**
 * The hub under benchmark: `dockhand serve` as a child process on a known port (so
 * DOCKHAND_PUBLIC_URL can point the shops' webhooks at it), on SQLite in a temp dir or on a fresh
 * PostgreSQL database, with its CPU time and peak RSS read from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { REPO } from '../helpers/process.ts'

export const ADMIN = 'dh_admin_bench_0123456789abcdef0123'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let clockTicks = 0
function ticksPerSecond(): number {
  if (!clockTicks) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** utime + stime of a process, in ms (all its threads). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After "(comm) ": field 3 is index 0, so utime (14) is 11 and stime (15) is 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond()
}

/** A /proc/<pid>/status value in kB (VmHWM: peak resident set, VmRSS: current). */
export function statusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  )
  return m ? Number(m[1]) : 0
}

/** Reset the peak RSS (Linux ≥ 4.0: writing 5 to clear_refs); false if not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export type DbKind = 'sqlite' | 'postgres'

export interface BenchDatabase {
  kind: DbKind
  env: Record<string, string>
  /** PostgreSQL: the database's name (for its server-side CPU); SQLite: null. */
  name: string | null
  admin: string | null
  drop(): Promise<void>
}

/** A fresh database: SQLite in the hub's data dir, or `dockhand_bench_<random>` on PostgreSQL. */
export async function benchDatabase(kind: DbKind, pgUrl: string): Promise<BenchDatabase> {
  if (kind === 'sqlite')
    return { kind, env: {}, name: null, admin: null, drop: async () => undefined }
  const name = `dockhand_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(pgUrl)
  url.pathname = `/${name}`
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    name,
    admin: pgUrl,
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

/** CPU ms of the PostgreSQL backends serving a database (summed over those alive now). */
export async function pgBackendCpu(db: BenchDatabase): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  if (!db.admin || !db.name) return out
  const c = new pg.Client({ connectionString: db.admin })
  await c.connect()
  try {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [db.name],
    )
    for (const { pid } of r.rows) {
      try {
        out.set(pid, cpuMs(pid))
      } catch {
        // exited, or not readable
      }
    }
  } finally {
    await c.end()
  }
  return out
}

export interface ApiResult {
  status: number
  body: any
}

export class BenchHub {
  child: ChildProcess | null = null
  url = ''
  port = 0
  readonly dataDir = mkdtempSync(join(tmpdir(), 'dockhand-bench-'))
  private output = ''

  constructor(readonly db: BenchDatabase) {}

  get pid(): number {
    const pid = this.child?.pid
    if (!pid) throw new Error('the hub is not running')
    return pid
  }

  async start(): Promise<void> {
    this.port = await freePort()
    this.url = `http://127.0.0.1:${this.port}`
    const child = spawn(process.execPath, ['bin/dockhand.js', 'serve'], {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DOCKHAND_DATA_DIR: this.dataDir,
        DOCKHAND_ADMIN_TOKEN: ADMIN,
        DOCKHAND_PUBLIC_URL: this.url,
        DOCKHAND_LOG_LEVEL: process.env.BENCH_HUB_LOG_LEVEL ?? 'warn',
        ...this.db.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const keep = (d: Buffer) => {
      this.output = (this.output + String(d)).slice(-20_000)
    }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    const deadline = Date.now() + 60_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hub exited:\n${this.output}`)
      try {
        const res = await fetch(`${this.url}/health`)
        if (res.ok) return
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`hub did not start:\n${this.output}`)
      await sleep(100)
    }
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000)
      child.once('exit', () => {
        clearTimeout(t)
        resolve()
      })
      child.kill('SIGTERM')
    })
    this.child = null
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true })
  }

  lastOutput(): string {
    return this.output
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    token: string = ADMIN,
  ): Promise<ApiResult> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }

  async ok(method: string, path: string, body?: unknown, token?: string): Promise<any> {
    const res = await this.call(method, path, body, token)
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`)
    return res.body
  }

  /** Queue a run and wait for it, polling every 20 ms (the poll is cheap and keeps timing tight). */
  async sync(
    connectionId: string,
    body: { processes?: string[]; full?: boolean },
    timeoutMs = 3 * 3_600_000,
  ): Promise<any> {
    const queued = await this.ok('POST', `/connections/${connectionId}/sync`, body)
    return this.waitRun(queued.run_id, timeoutMs)
  }

  async waitRun(runId: string, timeoutMs = 3 * 3_600_000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const r = await this.ok('GET', `/runs/${runId}`)
      if (!['queued', 'running'].includes(r.status)) return r
      if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`)
      await sleep(20)
    }
  }
}
