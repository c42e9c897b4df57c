/** Connections to shops, their runs, the shop's product list (manual import) and held stock pushes. */
import { Hono } from 'hono'
import { z } from 'zod'
import { PROCESSES } from '../../../../shared/src/platforms.ts'
import { upsertArticles } from '../../domain/articles.ts'
import {
  connectionView,
  createConnection,
  createConnectionSchema,
  fingerprint,
  getConnection,
  validateSettings,
} from '../../domain/connections.ts'
import { getOwner } from '../../domain/owners.ts'
import { runView } from '../../domain/runs.ts'
import type { ArticleInput } from '../../domain/types.ts'
import { HubError, notFound } from '../../errors.ts'
import { parseJson } from '../../store/db.ts'
import { buildContext } from '../../sync/context.ts'
import { queueRun } from '../../sync/engine.ts'
import { nowIso } from '../../util/ids.ts'
import { type AppEnv, actingOwner, hubOf, ownerFilter, principal, readJson } from '../context.ts'
import { pageOf, readPage } from '../pagination.ts'

export const connectionUpdateSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(['active', 'paused']).optional(),
  credentials: z.record(z.string(), z.unknown()).optional(),
  base_url: z.string().trim().max(500).optional(),
})
export const syncRequestSchema = z.object({
  processes: z.array(z.enum(PROCESSES)).optional(),
  full: z.boolean().optional(),
})
export const productImportSchema = z.object({ ids: z.array(z.string()).min(1).max(5000) })

export const connectionRoutes = new Hono<AppEnv>()
  .get('/connections', async (c) => {
    const page = readPage((k) => c.req.query(k))
    const owner = ownerFilter(c)
    let q = hubOf(c)
      .db.selectFrom('connections')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (owner) q = q.where('goods_owner_id', '=', owner)
    if (page.after) q = q.where('id', '>', page.after)
    const platform = c.req.query('platform')
    if (platform) q = q.where('platform', '=', platform as never)
    return c.json(pageOf(await q.execute(), page, (r) => connectionView(r, hubOf(c).registry)))
  })
  .post('/connections', async (c) => {
    const hub = hubOf(c)
    const body = await readJson(c, createConnectionSchema)
    const ownerId = actingOwner(c, body.goods_owner_id)
    await getOwner(hub.db, ownerId)
    const row = await createConnection(hub.db, hub, ownerId, body)
    hub.log.info({ connection_id: row.id, platform: row.platform }, 'connection created')
    return c.json(connectionView(row, hub.registry), 201)
  })
  .get('/connections/:id', async (c) => {
    const row = await getConnection(hubOf(c).db, principal(c).ownerId, c.req.param('id'))
    return c.json(connectionView(row, hubOf(c).registry))
  })
  .patch('/connections/:id', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const body = await readJson(c, connectionUpdateSchema)
    const set: Record<string, unknown> = { updated_at: nowIso() }
    if (body.name !== undefined) set.name = body.name
    if (body.status !== undefined) set.status = body.status
    // Confirming (or pausing) clears a hold's reason, e.g. a suspected staging copy.
    if (body.status !== undefined) set.status_reason = null
    if (body.settings !== undefined) {
      // Settings are merged over the current ones, then validated whole.
      const merged = { ...parseJson<Record<string, unknown>>(row.settings, {}), ...body.settings }
      set.settings = JSON.stringify(validateSettings(row.platform, merged))
    }
    if (body.credentials !== undefined || body.base_url !== undefined) {
      const connector = hub.registry.get(row.platform)
      if (!connector)
        throw new HubError('not_configured', `This hub has no ${row.platform} connector.`)
      const current = hub.box.openJson<Record<string, string>>(
        row.credentials_enc,
        `connection:${row.id}`,
      )
      let parsed: ReturnType<typeof connector.parseConnection>
      try {
        parsed = connector.parseConnection({
          base_url: body.base_url ?? row.base_url,
          shop_ref: row.shop_ref,
          credentials: { ...current, ...(body.credentials ?? {}) },
        })
      } catch (err) {
        if (err instanceof HubError) throw err
        throw new HubError('validation_failed', (err as Error).message)
      }
      set.base_url = parsed.baseUrl
      set.shop_ref = parsed.shopRef
      set.credentials_enc = hub.box.sealJson(parsed.credentials, `connection:${row.id}`)
      set.credentials_fingerprint = fingerprint(hub.box, parsed.credentials)
    }
    await hub.db.updateTable('connections').set(set).where('id', '=', row.id).execute()
    return c.json(connectionView(await getConnection(hub.db, null, row.id), hub.registry))
  })
  .delete('/connections/:id', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    await hub.db.deleteFrom('connections').where('id', '=', row.id).execute()
    return c.body(null, 204)
  })
  .post('/connections/:id/test', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const connector = hub.registry.get(row.platform)
    if (!connector)
      throw new HubError('not_configured', `This hub has no ${row.platform} connector.`)
    const ctx = buildContext(hub, row, AbortSignal.any([hub.shutdown, AbortSignal.timeout(30_000)]))
    const result = await connector.testConnection(ctx)
    return c.json(result)
  })
  .post('/connections/:id/sync', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const text = await c.req.text()
    const body = text.trim() ? syncRequestSchema.parse(parseBody(text)) : {}
    if (!hub.registry.get(row.platform))
      throw new HubError('not_configured', `This hub has no ${row.platform} connector.`)
    const run = await queueRun(hub, row, {
      trigger: 'manual',
      processes: body.processes,
      full: body.full,
    })
    return c.json({ run_id: run.id, ...runView(run) }, 202)
  })
  .get('/connections/:id/runs', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const page = readPage((k) => c.req.query(k), 200)
    let q = hub.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('connection_id', '=', row.id)
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
    if (page.after) q = q.where('id', '<', page.after)
    return c.json(pageOf(await q.execute(), page, (r) => runView(r)))
  })
  .get('/runs/:id', async (c) => {
    const hub = hubOf(c)
    const run = await visibleRun(c, c.req.param('id'))
    const issues = await hub.db
      .selectFrom('run_issues')
      .select(['level'])
      .where('run_id', '=', run.id)
      .execute()
    return c.json(
      runView(run, {
        errors: issues.filter((i) => i.level === 'error').length,
        warnings: issues.filter((i) => i.level === 'warning').length,
      }),
    )
  })
  .get('/runs/:id/issues', async (c) => {
    const hub = hubOf(c)
    const run = await visibleRun(c, c.req.param('id'))
    const rows = await hub.db
      .selectFrom('run_issues')
      .selectAll()
      .where('run_id', '=', run.id)
      .orderBy('id')
      .limit(5000)
      .execute()
    return c.json({
      data: rows.map((r) => ({
        process: r.process,
        level: r.level,
        code: r.code,
        message: r.message,
        platform_ref: r.platform_ref,
        order_id: r.order_id,
        created_at: r.created_at,
      })),
      next_cursor: null,
    })
  })
  .get('/connections/:id/products', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const page = readPage((k) => c.req.query(k))
    let q = hub.db
      .selectFrom('shop_products')
      .selectAll()
      .where('connection_id', '=', row.id)
      .orderBy('id')
      .limit(page.limit + 1)
    const status = c.req.query('status')
    if (status) q = q.where('status', '=', status as never)
    if (page.after) q = q.where('id', '>', page.after)
    return c.json(
      pageOf(await q.execute(), page, (p) => ({
        id: p.id,
        product_id: p.product_id,
        variant_id: p.variant_id,
        sku: p.sku,
        name: p.name,
        status: p.status,
        updated_at: p.updated_at,
      })),
    )
  })
  .post('/connections/:id/products/import', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const body = await readJson(c, productImportSchema)
    const products = await hub.db
      .selectFrom('shop_products')
      .selectAll()
      .where('connection_id', '=', row.id)
      .where('id', 'in', body.ids)
      .execute()
    const missing = body.ids.filter((id) => !products.some((p) => p.id === id))
    if (missing.length)
      throw new HubError(
        'validation_failed',
        `Unknown shop product ids: ${missing.slice(0, 20).join(', ')}.`,
      )
    const inputs = products
      .filter((p) => p.status === 'new' || p.status === 'linked')
      .map((p) => JSON.parse(p.payload) as ArticleInput)
    const counts = await hub.db.transaction().execute(async (trx) => {
      const result = await upsertArticles(trx, row.goods_owner_id, row.id, inputs)
      await trx
        .updateTable('shop_products')
        .set({ status: 'linked', updated_at: nowIso() })
        .where(
          'id',
          'in',
          products
            .filter((p) => p.status === 'new')
            .map((p) => p.id)
            .concat(['']),
        )
        .execute()
      return result
    })
    return c.json({
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      skipped: products.length - inputs.length,
    })
  })
  .post('/connections/:id/stock/confirm', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const res = await hub.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: nowIso() })
      .where('connection_id', '=', row.id)
      .where('kind', '=', 'stock.set')
      .where('status', '=', 'held')
      .executeTakeFirst()
    hub.kick()
    return c.json({ released: Number(res.numUpdatedRows) })
  })
  .post('/connections/:id/stock/discard', async (c) => {
    const hub = hubOf(c)
    const row = await getConnection(hub.db, principal(c).ownerId, c.req.param('id'))
    const discarded = await hub.db.transaction().execute(async (trx) => {
      const held = await trx
        .selectFrom('outbox')
        .select(['id', 'payload'])
        .where('connection_id', '=', row.id)
        .where('kind', '=', 'stock.set')
        .where('status', '=', 'held')
        .execute()
      for (const item of held) {
        const links = (JSON.parse(item.payload) as { items: Array<{ linkId: string }> }).items.map(
          (t) => t.linkId,
        )
        // Forget the queued quantities so the next run plans from the current balances.
        if (links.length)
          await trx
            .updateTable('article_links')
            .set({ queued_quantity: null })
            .where('id', 'in', links)
            .execute()
        await trx
          .updateTable('outbox')
          .set({
            status: 'failed',
            last_error: 'Discarded by a person after the zero-stock guard held it.',
          })
          .where('id', '=', item.id)
          .execute()
      }
      return held.length
    })
    return c.json({ discarded })
  })

/** A run, if the token may see its connection (404 otherwise, as for any other owner's data). */
async function visibleRun(c: Parameters<typeof hubOf>[0], id: string) {
  const hub = hubOf(c)
  const run = await hub.db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!run) throw notFound('run', id)
  await getConnection(hub.db, principal(c).ownerId, run.connection_id).catch(() => {
    throw notFound('run', id)
  })
  return run
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new HubError('bad_request', 'The request body is not valid JSON.')
  }
}
