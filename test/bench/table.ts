/**
 * npm run bench:table -- a.json b.json … — one table (and the targets) from the JSON of several
 * bench runs, e.g. runs split by platform, database or latency to fit a time budget.
 */
import { readFileSync } from 'node:fs'
import type { JobResult } from './jobs.ts'
import { formatTable } from './report.ts'

const files = process.argv.slice(2)
if (!files.length) throw new Error('usage: npm run bench:table -- results.json [more.json …]')
const results: JobResult[] = []
for (const f of files) {
  const run = JSON.parse(readFileSync(f, 'utf8')) as {
    command: string
    machine: Record<string, unknown>
    results: JobResult[]
  }
  process.stdout.write(`${f}: ${run.command} (commit ${run.machine.commit})\n`)
  results.push(...run.results)
}
process.stdout.write(`\n${formatTable(results)}\n`)
