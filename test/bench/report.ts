/** The printed table, its legend and the targets of issue #9. */
import type { Platform } from '../proof/kits.ts'
import { FLOOR_FORMULAS, type JobName } from './floors.ts'
import type { JobResult } from './jobs.ts'

export const BASELINE_LEGEND =
  'baseline = a typical script with the platform client: list with the default page size (WooCommerce 10, Shopify 50, BigCommerce 50), then one call per item (products: their variants; orders: the order, BigCommerce its lines + addresses + status write; stock: one write per variant); no checkpoint, so "incremental" repeats products + orders; webhook: a receiver reading each order once.'

const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1)
const r2 = (x: number | null) => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(2))

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
}

export function formatTable(results: JobResult[]): string {
  const header = [
    'platform',
    'db',
    'lat',
    'job',
    'wall s',
    'CPU s',
    'RSS MB',
    'calls',
    'floor',
    'calls/floor',
    'base calls',
    'base wall s',
    'calls D/B',
    'wall D/B',
    'p50/p99 ms',
    'base p50/p99',
    'load',
  ]
  const rows = results.map((r) => [
    r.platform,
    r.db,
    `${r.latencyMs}ms`,
    r.job,
    s(r.hub.wallMs),
    s(r.hub.cpuMs),
    r.hub.peakRssMb.toFixed(0),
    String(r.hub.calls.total),
    r.floor === null ? '—' : String(r.floor),
    r2(r.callsPerFloor),
    r.baseline ? String(r.baseline.calls.total) : '—',
    r.baseline ? s(r.baseline.wallMs) : '—',
    r2(r.callsVsBaseline),
    r2(r.wallVsBaseline),
    r.latency ? `${r.latency.p50Ms?.toFixed(0)}/${r.latency.p99Ms?.toFixed(0)}` : '',
    r.baselineLatency
      ? `${r.baselineLatency.p50Ms?.toFixed(0)}/${r.baselineLatency.p99Ms?.toFixed(0)}`
      : '',
    r.load1.toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)))
  const lines = [row(header, widths), widths.map((w) => '-'.repeat(w)).join('  ')]
  let group = ''
  for (const [i, x] of rows.entries()) {
    const g = `${results[i]!.db}${results[i]!.latencyMs}`
    if (group && g !== group) lines.push('')
    group = g
    lines.push(row(x, widths))
  }
  const notes = results.flatMap((r) =>
    r.notes.map((n) => `  ${r.platform}/${r.db}/${r.latencyMs}ms/${r.job}: ${n}`),
  )
  return [
    lines.join('\n'),
    ...(notes.length ? ['', 'notes:', ...notes] : []),
    '',
    'D = Dockhand, B = baseline. wall/CPU in seconds; RSS = peak resident set of the hub process during the job;',
    'load = 1-minute load average at the end of the job (the machine may be shared);',
    'calls = requests the simulator answered during the job; resync = the first full run after the jobs (no target);',
    'incremental-later = another run with nothing changed, after waiting past the 2-minute overlap windows.',
    BASELINE_LEGEND,
    'floor (fewest calls the documented page/batch sizes allow; P products, V variants, N orders, S stock levels):',
    ...legend(results),
    '',
    ...targets(results),
  ].join('\n')
}

function legend(results: JobResult[]): string[] {
  const platforms = [...new Set(results.map((r) => r.platform))] as Platform[]
  const jobs: JobName[] = ['products', 'orders', 'stock', 'incremental', 'webhook']
  return platforms.flatMap((p) => jobs.map((j) => `  ${p} ${j}: ${FLOOR_FORMULAS[p][j]}`))
}

/** The targets of issue #9, checked against this run. */
export function targets(results: JobResult[]): string[] {
  const out: string[] = ['targets:']
  const tag = (r: JobResult) => `${r.platform}/${r.db}/${r.latencyMs}ms/${r.job}`
  const over = results.filter((r) => r.callsPerFloor !== null && r.callsPerFloor > 1.05)
  out.push(
    over.length
      ? `  calls/floor ≤ 1.05: missed by ${over.map((r) => `${tag(r)} (${r2(r.callsPerFloor)})`).join(', ')}`
      : '  calls/floor ≤ 1.05: met',
  )
  const inc = results.filter((r) => r.job === 'incremental' || r.job === 'incremental-later')
  const incMiss = inc.filter((r) => r.floor !== null && r.hub.calls.total > r.floor)
  out.push(
    incMiss.length
      ? `  incremental = one read per resource: missed by ${incMiss.map((r) => `${tag(r)} (${r.hub.calls.total} calls)`).join(', ')}`
      : `  incremental = one read per resource: ${inc.length ? 'met' : 'not run'}`,
  )
  const orders = results.filter((r) => r.job === 'orders' && r.latencyMs === 0)
  const slow = orders.filter((r) => r.size.orders < 10_000 || r.hub.wallMs >= 20_000)
  out.push(
    `  10,000 orders < 20 s at 0 ms: ${orders.map((r) => `${r.platform}/${r.db} ${s(r.hub.wallMs)} s${r.size.orders < 10_000 ? ` (only ${r.size.orders} orders)` : ''}`).join(', ') || 'not run'}${slow.length ? ' — not met by all' : ''}`,
  )
  const fat = results.filter((r) => r.hub.peakRssMb >= 300)
  out.push(
    fat.length
      ? `  peak RSS < 300 MB: missed by ${fat.map((r) => `${tag(r)} (${r.hub.peakRssMb} MB)`).join(', ')}`
      : `  peak RSS < 300 MB: met (max ${Math.max(0, ...results.map((r) => r.hub.peakRssMb))} MB)`,
  )
  const hooks = results.filter((r) => r.job === 'webhook' && r.latency)
  const late = hooks.filter((r) => (r.latency!.p99Ms ?? Infinity) >= 1000 || r.latency!.missing)
  out.push(
    late.length
      ? `  webhook p99 < 1 s: missed by ${late.map((r) => `${tag(r)} (p99 ${r.latency!.p99Ms} ms, ${r.latency!.missing} missing)`).join(', ')}`
      : `  webhook p99 < 1 s: ${hooks.length ? 'met' : 'not run'}`,
  )
  return out
}
