/** Goods owners and API tokens. */
import { Hono } from 'hono'
import { z } from 'zod'
import {
  createOwner,
  createToken,
  getOwner,
  ownerView,
  tokenView,
  updateOwner,
} from '../../domain/owners.ts'
import { HubError, notFound } from '../../errors.ts'
import { nowIso } from '../../util/ids.ts'
import { type AppEnv, hubOf, principal, readJson, requireAdmin } from '../context.ts'
import { pageOf, readPage } from '../pagination.ts'

export const ownerCreateSchema = z.object({ name: z.string().trim().min(1).max(200) })
export const ownerUpdateSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  webhook_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  webhook_secret: z.string().min(16).max(200).nullable().optional(),
})
export const tokenCreateSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'owner']),
  goods_owner_id: z.string().optional(),
})

export const adminRoutes = new Hono<AppEnv>()
  .get('/goods-owners', async (c) => {
    const p = principal(c)
    const page = readPage((k) => c.req.query(k))
    let q = hubOf(c)
      .db.selectFrom('goods_owners')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (p.ownerId) q = q.where('id', '=', p.ownerId)
    if (page.after) q = q.where('id', '>', page.after)
    return c.json(pageOf(await q.execute(), page, ownerView))
  })
  .post('/goods-owners', async (c) => {
    requireAdmin(c)
    const body = await readJson(c, ownerCreateSchema)
    return c.json(ownerView(await createOwner(hubOf(c).db, body.name)), 201)
  })
  .get('/goods-owners/:id', async (c) => {
    const id = c.req.param('id')
    const p = principal(c)
    if (p.ownerId && p.ownerId !== id) throw notFound('goods owner', id)
    return c.json(ownerView(await getOwner(hubOf(c).db, id)))
  })
  .patch('/goods-owners/:id', async (c) => {
    const id = c.req.param('id')
    const p = principal(c)
    if (p.ownerId && p.ownerId !== id) throw notFound('goods owner', id)
    const body = await readJson(c, ownerUpdateSchema)
    if (p.role !== 'admin' && body.name !== undefined)
      throw new HubError('forbidden', 'Only an admin token can rename a goods owner.')
    return c.json(ownerView(await updateOwner(hubOf(c).db, hubOf(c).box, id, body)))
  })
  .delete('/goods-owners/:id', async (c) => {
    requireAdmin(c)
    const id = c.req.param('id')
    await getOwner(hubOf(c).db, id)
    await hubOf(c).db.deleteFrom('goods_owners').where('id', '=', id).execute()
    return c.body(null, 204)
  })
  .get('/tokens', async (c) => {
    requireAdmin(c)
    const rows = await hubOf(c).db.selectFrom('api_tokens').selectAll().orderBy('id').execute()
    return c.json({ data: rows.map(tokenView), next_cursor: null })
  })
  .post('/tokens', async (c) => {
    requireAdmin(c)
    const body = await readJson(c, tokenCreateSchema)
    if (body.role === 'owner') {
      if (!body.goods_owner_id)
        throw new HubError('validation_failed', 'An owner token needs goods_owner_id.')
      await getOwner(hubOf(c).db, body.goods_owner_id)
    }
    const { token, row } = await createToken(hubOf(c).db, {
      name: body.name,
      role: body.role,
      goodsOwnerId: body.goods_owner_id ?? null,
    })
    return c.json({ ...tokenView(row), token }, 201)
  })
  .delete('/tokens/:id', async (c) => {
    requireAdmin(c)
    const id = c.req.param('id')
    const res = await hubOf(c)
      .db.updateTable('api_tokens')
      .set({ revoked_at: nowIso() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0) throw notFound('active token', id)
    return c.body(null, 204)
  })
