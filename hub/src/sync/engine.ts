/**
 * The sync engine: runs one connection's processes (articles, orders, fulfilments, stock, returns)
 * with the connector, persisting each pulled batch together with its checkpoint in one
 * transaction, so a crash resumes where it stopped without gaps or duplicates.
 */
import { sql } from 'kysely'
import type { Process } from '../../../shared/src/platforms.ts'
import { recordShopProductIssues, recordShopProducts, upsertArticles } from '../domain/articles.ts'
import { getConnection } from '../domain/connections.ts'
import { notifyEvents } from '../domain/events.ts'
import { type ImportContext, importOrder } from '../domain/orders.ts'
import { enqueue } from '../domain/outbox.ts'
import { addIssues, type Counts, createRun, type Progress } from '../domain/runs.ts'
import { listRules } from '../domain/shipping.ts'
import type { OrderInput, RecordIssue } from '../domain/types.ts'
import type { Hub } from '../hub.ts'
import { parseJson, type Queryable } from '../store/db.ts'
import type { Connection, SyncRun } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'
import type { Checkpoint, Connector, ConnectorContext, StockTarget } from './connector.ts'
import { buildContext } from './context.ts'
import { releaseLease, takeLease } from './leases.ts'
import { drainOutbox } from './outbox-worker.ts'

export async function getCursor(
  db: Queryable,
  connectionId: string,
  process: string,
): Promise<Checkpoint> {
  const row = await db
    .selectFrom('sync_cursors')
    .select('cursor')
    .where('connection_id', '=', connectionId)
    .where('process', '=', process)
    .executeTakeFirst()
  return row ? parseJson<Checkpoint>(row.cursor, null) : null
}

export async function saveCursor(
  db: Queryable,
  connectionId: string,
  process: string,
  cursor: Checkpoint,
): Promise<void> {
  const now = nowIso()
  await db
    .insertInto('sync_cursors')
    .values({
      connection_id: connectionId,
      process,
      cursor: JSON.stringify(cursor),
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['connection_id', 'process'])
        .doUpdateSet({ cursor: JSON.stringify(cursor), updated_at: now }),
    )
    .execute()
}

class RunState {
  counts: Counts = {}
  /** Calls the clients tried again during the current process, not yet on the run. */
  retries: string[] = []
  progress: Progress
  constructor(
    readonly hub: Hub,
    readonly run: SyncRun,
  ) {
    this.progress = parseJson<Progress>(run.progress, {})
  }
  count(process: string, key: string, n = 1) {
    const p = (this.counts[process] ??= {})
    p[key] = (p[key] ?? 0) + n
  }
  async save(db: Queryable = this.hub.db) {
    await db
      .updateTable('sync_runs')
      .set({
        counts: JSON.stringify(this.counts),
        progress: JSON.stringify(this.progress),
        heartbeat_at: nowIso(),
      })
      .where('id', '=', this.run.id)
      .execute()
  }
}

/**
 * Execute a queued run. Returns false if another process holds the connection's lease.
 *
 * A run that was resumed (its worker died, see Worker.tick) keeps its counts and skips the
 * processes it had finished; the one it was in starts again from that process's saved checkpoint.
 */
export async function executeRun(hub: Hub, runId: string): Promise<boolean> {
  const run = await hub.db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst()
  if (!run || run.status !== 'queued') return true
  const leaseMs = hub.config.runLeaseMs
  const leaseName = `connection:${run.connection_id}`
  if (!(await takeLease(hub.db, leaseName, hub.instanceId, leaseMs))) return false
  // Renew the lease and the run's heartbeat together, so a run is only taken for orphaned
  // (Worker.tick) once its lease has run out.
  const heartbeat = setInterval(() => {
    void (async () => {
      const held = await takeLease(hub.db, leaseName, hub.instanceId, leaseMs)
      if (!held) {
        hub.log.warn(
          { run_id: run.id, connection_id: run.connection_id },
          'lost the lease on a running sync (this process was stalled longer than the lease)',
        )
        return
      }
      await hub.db
        .updateTable('sync_runs')
        .set({ heartbeat_at: nowIso() })
        .where('id', '=', run.id)
        .where('status', '=', 'running')
        .execute()
    })().catch(() => undefined)
  }, leaseMs / 3)
  heartbeat.unref()
  const state = new RunState(hub, run)
  const resumed = run.started_at !== null
  if (resumed) state.counts = parseJson<Counts>(run.counts, {})
  try {
    const claimed = await hub.db
      .updateTable('sync_runs')
      .set({ status: 'running', started_at: run.started_at ?? nowIso(), heartbeat_at: nowIso() })
      .where('id', '=', run.id)
      .where('status', '=', 'queued')
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return true
    hub.log.info(
      { run_id: run.id, connection_id: run.connection_id, instance: hub.instanceId, resumed },
      resumed ? 'sync run resumed' : 'sync run started',
    )
    const connection = await getConnection(hub.db, null, run.connection_id)
    const connector = hub.registry.get(connection.platform)
    if (!connector) {
      await finish(hub, state, 'failed', `This hub has no ${connection.platform} connector.`)
      return true
    }
    // Calls the clients tried again are reported on the run, under the process that made them.
    const ctx = buildContext(hub, connection, hub.shutdown, (reason) => state.retries.push(reason))
    const processes = parseJson<Process[]>(run.processes, [])
    for (const process of processes) {
      if (hub.shutdown.aborted) break
      const before = state.progress[process]
      // Finished before the run was interrupted: nothing to do again.
      if (before && ['done', 'skipped', 'failed'].includes(before.state)) continue
      state.progress[process] = {
        done: before?.state === 'running' ? before.done : 0,
        total: before?.state === 'running' ? before.total : null,
        state: 'running',
      }
      await state.save()
      try {
        await runProcess(hub, state, connection, connector, ctx, process)
        // A process switched off in the settings stays 'skipped'.
        const p = state.progress[process]!
        if (p.state === 'running') {
          p.state = 'done'
          // Finished: whatever was done was the whole of it.
          if (p.total === null || p.total < p.done) p.total = p.done
        }
      } catch (err) {
        state.progress[process]!.state = 'failed'
        const message = describeError(err)
        ctx.log.warn({ err, process, run_id: run.id }, `sync ${process} failed: ${message}`)
        await addIssues(hub.db, run, process, [
          { code: 'process_failed', message: `${process}: ${message}` },
        ])
      }
      await addIssues(hub.db, run, process, retryIssues(state.retries.splice(0)))
      await state.save()
    }
    const failures = processes.filter((p) => state.progress[p]?.state === 'failed').length
    if (hub.shutdown.aborted) {
      await finish(
        hub,
        state,
        'cancelled',
        'The hub shut down during the run; the next run resumes from the saved checkpoints.',
      )
    } else {
      await finish(
        hub,
        state,
        failures === 0 ? 'succeeded' : failures === processes.length ? 'failed' : 'partial',
        failures
          ? `${failures} of ${processes.length} processes failed; see the run's issues.`
          : null,
      )
    }
    return true
  } finally {
    clearInterval(heartbeat)
    await releaseLease(hub.db, leaseName, hub.instanceId).catch(() => undefined)
  }
}

async function finish(hub: Hub, state: RunState, status: SyncRun['status'], error: string | null) {
  await hub.db
    .updateTable('sync_runs')
    .set({
      status,
      error,
      finished_at: nowIso(),
      counts: JSON.stringify(state.counts),
      progress: JSON.stringify(state.progress),
    })
    .where('id', '=', state.run.id)
    .execute()
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

async function runProcess(
  hub: Hub,
  state: RunState,
  connection: Connection,
  connector: Connector,
  ctx: ConnectorContext,
  process: Process,
): Promise<void> {
  const settings = ctx.settings as {
    processes?: Record<string, boolean>
    webhooks?: boolean
    article_import?: string
  }
  if (settings.processes && settings.processes[process] === false) {
    state.progress[process] = { done: 0, total: 0, state: 'skipped' }
    return
  }
  switch (process) {
    case 'articles':
      return pullArticles(
        hub,
        state,
        connection,
        connector,
        ctx,
        settings.article_import === 'manual',
      )
    case 'orders':
      await pullOrders(hub, state, connection, connector, ctx)
      if (settings.webhooks !== false && connector.ensureWebhooks && ctx.webhookUrl) {
        // Remembered per receiver URL, so a connector can tell "all removed by the shop" from
        // "never registered" and say so.
        const seen = await getCursor(hub.db, connection.id, 'webhooks')
        const registeredBefore = seen?.uri === ctx.webhookUrl
        const issues = await connector.ensureWebhooks(ctx, { registeredBefore })
        await addIssues(hub.db, state.run, 'webhooks', issues)
        if (!registeredBefore && issues.every((i) => i.code === 'webhook_recreated'))
          await saveCursor(hub.db, connection.id, 'webhooks', {
            uri: ctx.webhookUrl,
            registered_at: nowIso(),
          })
      }
      return
    case 'fulfilments':
      return deliverKinds(hub, state, connection, connector, process, [
        'order.status',
        'fulfilment',
        'order.note',
      ])
    case 'stock':
      await planStock(hub, state, connection, connector, ctx)
      return deliverKinds(hub, state, connection, connector, process, ['stock.set'])
    case 'returns':
      return deliverKinds(hub, state, connection, connector, process, ['refund'])
  }
}

async function pullArticles(
  hub: Hub,
  state: RunState,
  connection: Connection,
  connector: Connector,
  ctx: ConnectorContext,
  manual: boolean,
) {
  if (!connector.pullArticles) return
  const full = state.run.full === 1
  const from = full ? null : await getCursor(hub.db, connection.id, 'articles')
  const progress = state.progress.articles!
  for await (const batch of connector.pullArticles(ctx, from, { full })) {
    await hub.db.transaction().execute(async (trx) => {
      const issues = [...batch.issues]
      if (manual) {
        const n = await recordShopProducts(
          trx,
          connection.goods_owner_id,
          connection.id,
          batch.records,
        )
        await recordShopProductIssues(trx, connection.id, batch.issues)
        state.count('articles', 'listed', n)
      } else {
        const c = await upsertArticles(
          trx,
          connection.goods_owner_id,
          connection.id,
          batch.records,
          connector.sharedSkus ? { sharedSkus: connector.sharedSkus } : {},
        )
        state.count('articles', 'created', c.created)
        state.count('articles', 'updated', c.updated)
        state.count('articles', 'unchanged', c.unchanged)
        // Orders whose lines were waiting for these articles (see linkWaitingLines).
        if (c.ordersLinked) state.count('articles', 'orders_completed', c.ordersLinked)
        // Shared SKUs the connector already reported within this batch are not repeated.
        const reported = new Set(
          batch.issues.filter((i) => i.code === 'duplicate_sku').map((i) => i.platformRef),
        )
        issues.push(...c.issues.filter((i) => !reported.has(i.platformRef)))
      }
      state.count('articles', 'issues', issues.length)
      await addIssues(trx, state.run, 'articles', issues)
      await saveCursor(trx, connection.id, 'articles', batch.checkpoint)
      progress.done += batch.records.length + batch.issues.length
      if (batch.total !== undefined) progress.total = batch.total
      await state.save(trx)
    })
  }
}

/** Persist one batch of orders; shared by the scheduled pull and webhook-triggered fetches. */
export async function persistOrders(
  hub: Hub,
  connection: Connection,
  connector: Connector,
  ctx: ConnectorContext,
  trx: Queryable,
  records: OrderInput[],
  run: SyncRun | null,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const importCtx: ImportContext = {
    ownerId: connection.goods_owner_id,
    connectionId: connection.id,
    rules: await listRules(trx, connection.goods_owner_id),
  }
  for (const input of records) {
    const result = await importOrder(trx, importCtx, input)
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1
    if (run && result.issues.length)
      await addIssues(trx, run, 'orders', result.issues, result.orderId)
    if (result.outcome === 'created' && result.orderId && connector.afterOrderImported) {
      for (const write of connector.afterOrderImported(ctx, input)) {
        await enqueue(trx, {
          connectionId: connection.id,
          ownerId: connection.goods_owner_id,
          kind: write.kind,
          groupKey: `order:${result.orderId}`,
          idempotencyKey: `${write.kind}:${result.orderId}:after-import`,
          payload: write.payload,
        })
      }
    }
  }
  return counts
}

async function pullOrders(
  hub: Hub,
  state: RunState,
  connection: Connection,
  connector: Connector,
  ctx: ConnectorContext,
) {
  if (!connector.pullOrders) return
  const from = await getCursor(hub.db, connection.id, 'orders')
  const progress = state.progress.orders!
  for await (const batch of connector.pullOrders(ctx, from)) {
    await hub.db.transaction().execute(async (trx) => {
      const counts = await persistOrders(
        hub,
        connection,
        connector,
        ctx,
        trx,
        batch.records,
        state.run,
      )
      for (const [k, v] of Object.entries(counts)) state.count('orders', k, v)
      await addIssues(trx, state.run, 'orders', batch.issues)
      state.count('orders', 'issues', batch.issues.length)
      await saveCursor(trx, connection.id, 'orders', batch.checkpoint)
      progress.done += batch.records.length + batch.issues.length
      if (batch.total !== undefined) progress.total = batch.total
      await state.save(trx)
    })
    notifyEvents(connection.goods_owner_id)
  }
}

async function deliverKinds(
  hub: Hub,
  state: RunState,
  connection: Connection,
  connector: Connector,
  process: string,
  kinds: string[],
) {
  const total = await hub.db
    .selectFrom('outbox')
    .select(sql<number>`count(*)`.as('n'))
    .where('connection_id', '=', connection.id)
    .where('kind', 'in', kinds)
    .where('status', 'in', ['pending', 'delivering'])
    .executeTakeFirstOrThrow()
  const progress = state.progress[process]!
  progress.total = Number(total.n)
  const drain = () =>
    drainOutbox(hub, {
      connectionId: connection.id,
      kinds,
      connector,
      retried: (reason) => state.retries.push(reason),
      onItem: (outcome) => {
        progress.done++
        state.count(process, outcome, 1)
      },
    })
  const result = await drain()
  // Every worker drains the outbox, so another process may be delivering some of these writes
  // (or hold back a later one of the same group behind it). The process is done when they are out,
  // as it is with one hub process; a dead worker's claims are taken over once their lease expires.
  const deadline = Date.now() + hub.config.outboxLeaseMs + 10_000
  while (!hub.shutdown.aborted && Date.now() < deadline) {
    const inFlight = await hub.db
      .selectFrom('outbox')
      .select('id')
      .where('connection_id', '=', connection.id)
      .where('kind', 'in', kinds)
      .where('status', '=', 'delivering')
      .limit(1)
      .executeTakeFirst()
    if (!inFlight) break
    await new Promise((r) => setTimeout(r, 100))
    const more = await drain()
    result.done += more.done
    result.retried += more.retried
    result.failed.push(...more.failed)
    result.notices.push(...more.notices)
  }
  if (result.failed.length) {
    await addIssues(
      hub.db,
      state.run,
      process,
      result.failed.map((f) => ({
        code: 'write_failed',
        message: f.reason,
        platformRef: f.kind,
        level: f.final ? 'error' : 'warning',
      })),
    )
  }
  if (result.notices.length) {
    await addIssues(
      hub.db,
      state.run,
      process,
      result.notices.map((n) => ({
        code: n.code,
        message: n.message,
        platformRef: n.kind,
        level: 'warning' as const,
      })),
    )
  }
}

/**
 * Decide which stock levels to push: articles whose available quantity differs from what the shop
 * last confirmed (incremental), or every linked variant against the shop's own numbers once a day
 * (reconcile). Queued in batches of the connector's maximum; a push that would zero too large a
 * share of the shop's stocked variants is held for confirmation.
 */
async function planStock(
  hub: Hub,
  state: RunState,
  connection: Connection,
  connector: Connector,
  ctx: ConnectorContext,
) {
  const settings = ctx.settings as {
    stock_reconcile_hour_utc?: number
    stock_zero_guard_share?: number
  }
  const now = new Date()
  const lastFull = connection.last_full_stock_at ? new Date(connection.last_full_stock_at) : null
  const reconcileDue =
    state.run.full === 1 ||
    !lastFull ||
    (now.getTime() - lastFull.getTime() > 23 * 3600_000 &&
      now.getUTCHours() >= (settings.stock_reconcile_hour_utc ?? 3))
  const rows = await hub.db
    .selectFrom('article_links as l')
    .innerJoin('articles as a', 'a.id', 'l.article_id')
    .leftJoin('stock_balances as b', 'b.article_id', 'l.article_id')
    .select([
      'l.id as link_id',
      'l.product_id',
      'l.variant_id',
      'l.inventory_item_id',
      'l.pushed_quantity',
      'l.queued_quantity',
      'l.shop_changed_mark',
      'a.article_number',
      'b.on_hand',
      'b.allocated',
    ])
    .where('l.connection_id', '=', connection.id)
    .where('l.stock_tracked', '=', 1)
    .where('a.stock_article', '=', 1)
    .orderBy('l.id')
    .execute()
  const targets: StockTarget[] = rows.map((r) => ({
    linkId: r.link_id,
    articleNumber: r.article_number,
    productId: r.product_id,
    variantId: r.variant_id,
    inventoryItemId: r.inventory_item_id,
    quantity: Math.max(0, (r.on_hand ?? 0) - (r.allocated ?? 0)),
  }))
  const byLink = new Map(rows.map((r) => [r.link_id, r]))
  let changed: StockTarget[]
  if (reconcileDue && connector.readStock) {
    const shop = await connector.readStock(ctx, targets)
    changed = targets.filter((t) => shop.get(t.linkId) !== t.quantity)
    const agreeing = targets.filter((t) => shop.get(t.linkId) === t.quantity)
    for (let i = 0; i < agreeing.length; i += 500) {
      const chunk = agreeing.slice(i, i + 500)
      await hub.db.transaction().execute(async (trx) => {
        for (const t of chunk) {
          const r = byLink.get(t.linkId)
          if (r?.pushed_quantity !== t.quantity) {
            await trx
              .updateTable('article_links')
              .set({ pushed_quantity: t.quantity })
              .where('id', '=', t.linkId)
              .execute()
          }
          if (r?.shop_changed_mark) await clearShopChanged(trx, t.linkId, r.shop_changed_mark)
        }
      })
    }
    state.count('stock', 'reconciled', targets.length)
  } else {
    changed = targets.filter((t) => {
      const r = byLink.get(t.linkId)!
      // The shop moved its own stock (an order, a cancellation) since the last push: push again
      // even if the available quantity came back to what was pushed last.
      if (r.shop_changed_mark) return true
      return (r.queued_quantity ?? r.pushed_quantity) !== t.quantity
    })
  }
  // The reconcile counts as done only with its corrections queued: a crash before that reads the
  // shop again on the next run instead of leaving the differences until tomorrow.
  const reconciled = reconcileDue && !!connector.readStock
  const markReconciled = async (db: Queryable) => {
    if (reconciled)
      await db
        .updateTable('connections')
        .set({ last_full_stock_at: now.toISOString() })
        .where('id', '=', connection.id)
        .execute()
  }
  if (!changed.length) {
    await markReconciled(hub.db)
    return
  }
  const newZeros = changed.filter(
    (t) => t.quantity === 0 && (byLink.get(t.linkId)?.pushed_quantity ?? 1) !== 0,
  ).length
  const share = settings.stock_zero_guard_share ?? 0.2
  const held = targets.length >= 5 && newZeros / targets.length > share
  const batchSize = connector.stockBatchSize ?? 100
  const planId = newId('stk')
  await hub.db.transaction().execute(async (trx) => {
    for (let i = 0; i < changed.length; i += batchSize) {
      const items = changed.slice(i, i + batchSize)
      await enqueue(trx, {
        connectionId: connection.id,
        ownerId: connection.goods_owner_id,
        kind: 'stock.set',
        groupKey: `stock:${connection.id}`,
        idempotencyKey: `stock.set:${planId}:${i / batchSize}`,
        payload: { items, plan_id: planId },
        status: held ? 'held' : 'pending',
      })
      for (const t of items) {
        await trx
          .updateTable('article_links')
          .set({ queued_quantity: t.quantity })
          .where('id', '=', t.linkId)
          .execute()
        // This push reaches the shop after whatever the shop did by itself up to now.
        const mark = byLink.get(t.linkId)?.shop_changed_mark
        if (mark) await clearShopChanged(trx, t.linkId, mark)
      }
    }
    await markReconciled(trx)
  })
  state.count('stock', held ? 'held' : 'queued', changed.length)
  if (held) {
    await addIssues(hub.db, state.run, 'stock', [
      {
        code: 'stock_guard_held',
        message: `The stock push would set ${newZeros} of ${targets.length} stocked variants (${Math.round((newZeros / targets.length) * 100)}%) to zero at once, more than the ${Math.round(share * 100)}% guard. It is held: confirm it with POST /api/v1/connections/${connection.id}/stock/confirm, or fix the warehouse balances.`,
      },
    ])
  }
}

/** Clear a link's shop-changed mark unless the shop changed its stock again since it was read. */
async function clearShopChanged(db: Queryable, linkId: string, mark: string): Promise<void> {
  await db
    .updateTable('article_links')
    .set({ shop_changed_mark: null })
    .where('id', '=', linkId)
    .where('shop_changed_mark', '=', mark)
    .execute()
}

/** Queue a run for a connection (no-op if one is already queued). */
export async function queueRun(
  hub: Hub,
  connection: Connection,
  input: {
    trigger: SyncRun['trigger']
    processes?: Process[] | undefined
    full?: boolean | undefined
  },
): Promise<SyncRun> {
  const connector = hub.registry.get(connection.platform)
  const all = (connector?.processes ?? [
    'articles',
    'orders',
    'fulfilments',
    'stock',
    'returns',
  ]) as Process[]
  const processes = input.processes?.length ? all.filter((p) => input.processes!.includes(p)) : all
  const run = await createRun(hub.db, {
    connectionId: connection.id,
    trigger: input.trigger,
    processes,
    full: input.full ?? false,
  })
  hub.kick()
  return run
}

export type { RecordIssue }

/** Calls tried again, as warnings on the run: each one up to 100, then a count of the rest. */
export function retryIssues(reasons: string[], max = 100): RecordIssue[] {
  const issues: RecordIssue[] = reasons
    .slice(0, max)
    .map((message) => ({ code: 'retried', level: 'warning', message }))
  if (reasons.length > max)
    issues.push({
      code: 'retried',
      level: 'warning',
      message: `${reasons.length - max} more calls failed and were tried again (not listed one by one).`,
    })
  return issues
}
