/** What a WMS works with: articles, orders (pick, ship, cancel, hold), stock, returns, shipping rules. */
import { Hono } from 'hono'
import { sql } from 'kysely'
import { z } from 'zod'
import { articleView, saveArticle } from '../../domain/articles.ts'
import { notifyEvents } from '../../domain/events.ts'
import type { AttentionItem } from '../../domain/orders.ts'
import {
  cancelOrder,
  getLines,
  getOrder,
  holdOrder,
  registerReturn,
  releaseFulfilments,
  releaseOrder,
  shipOrder,
  startPicking,
} from '../../domain/orders.ts'
import { listRules, replaceRules } from '../../domain/shipping.ts'
import { applyStockChanges } from '../../domain/stock.ts'
import { HubError, notFound } from '../../errors.ts'
import { parseJson, type Tx } from '../../store/db.ts'
import type { Order } from '../../store/schema.ts'
import { type AppEnv, actingOwner, hubOf, ownerFilter, principal, readJson } from '../context.ts'
import { pageOf, readPage } from '../pagination.ts'

const ORDER_STATUSES = [
  'open',
  'on_hold',
  'picking',
  'partially_shipped',
  'shipped',
  'cancelled',
] as const

export const articleSchema = z.object({
  goods_owner_id: z.string().optional(),
  article_number: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(500),
  barcode: z.string().max(100).nullable().optional(),
  product_code: z.string().max(200).nullable().optional(),
  unit: z.string().max(20).optional(),
  weight_kg: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .nullable()
    .optional(),
  price: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullable()
    .optional(),
  supplier: z.string().max(200).nullable().optional(),
  country_of_origin: z.string().length(2).nullable().optional(),
  hs_code: z.string().max(20).nullable().optional(),
  image_url: z.url().nullable().optional(),
  categories: z.array(z.string().max(200)).max(100).optional(),
  active: z.boolean().optional(),
  stock_article: z.boolean().optional(),
})

export const shipSchema = z.object({
  lines: z
    .array(
      z
        .object({
          line_id: z.string().optional(),
          article_number: z.string().optional(),
          quantity: z.number().int(),
        })
        .refine((l) => l.line_id || l.article_number, 'give line_id or article_number'),
    )
    .max(1000)
    .optional(),
  tracking_number: z.string().trim().max(200).nullable().optional(),
  carrier: z.string().trim().max(200).nullable().optional(),
  tracking_url: z.url().max(2000).nullable().optional(),
})
export const reasonSchema = z.object({ reason: z.string().max(2000).nullable().optional() })
export const returnSchema = z.object({
  lines: z
    .array(
      z
        .object({
          line_id: z.string().optional(),
          article_number: z.string().optional(),
          quantity: z.number().int(),
        })
        .refine((l) => l.line_id || l.article_number, 'give line_id or article_number'),
    )
    .min(1)
    .max(1000),
  reason: z.string().max(2000).nullable().optional(),
  restock: z.boolean().optional(),
})
export const stockSchema = z.object({
  goods_owner_id: z.string().optional(),
  items: z
    .array(
      z.object({
        article_number: z.string().min(1).max(200),
        on_hand: z.number().int().min(0).optional(),
        adjust: z.number().int().optional(),
        reason: z.string().max(200).optional(),
      }),
    )
    .min(1)
    .max(50_000),
})
export const rulesSchema = z.object({
  goods_owner_id: z.string().optional(),
  rules: z
    .array(
      z.object({
        pattern: z.string().trim().min(1).max(200),
        way_of_delivery: z.string().trim().min(1).max(200),
      }),
    )
    .max(1000),
})

function orderView(o: Order) {
  return {
    id: o.id,
    goods_owner_id: o.goods_owner_id,
    connection_id: o.connection_id,
    external_id: o.external_id,
    order_number: o.order_number,
    status: o.status,
    shop_status: o.shop_status,
    currency: o.currency,
    total_price: o.total_price,
    order_date: o.order_date,
    way_of_delivery: o.way_of_delivery,
    shipping_method: { code: o.shipping_method_code, name: o.shipping_method_name },
    service_point: o.service_point,
    remark: o.remark,
    delivery_instruction: o.delivery_instruction,
    customer: parseJson<Record<string, unknown>>(o.customer, {}),
    invoice_address: parseJson<Record<string, unknown> | null>(o.invoice_address, null),
    notification: parseJson<Record<string, unknown>>(o.notification, {}),
    attention: parseJson<AttentionItem[]>(o.attention, []),
    picking_started_at: o.picking_started_at,
    cancelled_at: o.cancelled_at,
    redact_requested_at: o.redact_requested_at ?? null,
    redacted_at: o.redacted_at ?? null,
    created_at: o.created_at,
    updated_at: o.updated_at,
  }
}

async function fullOrder(c: Parameters<typeof hubOf>[0], o: Order) {
  const db = hubOf(c).db
  const lines = await getLines(db, o.id)
  const shipments = await db
    .selectFrom('shipments')
    .selectAll()
    .where('order_id', '=', o.id)
    .orderBy('id')
    .execute()
  const shipmentLines = shipments.length
    ? await db
        .selectFrom('shipment_lines')
        .selectAll()
        .where(
          'shipment_id',
          'in',
          shipments.map((s) => s.id),
        )
        .execute()
    : []
  const returns = await db
    .selectFrom('returns')
    .selectAll()
    .where('order_id', '=', o.id)
    .orderBy('id')
    .execute()
  const returnLines = returns.length
    ? await db
        .selectFrom('return_lines')
        .selectAll()
        .where(
          'return_id',
          'in',
          returns.map((r) => r.id),
        )
        .execute()
    : []
  return {
    ...orderView(o),
    lines: lines.map((l) => ({
      id: l.id,
      line_no: l.line_no,
      external_line_id: l.external_line_id,
      article_number: l.article_number,
      article_id: l.article_id,
      name: l.name,
      quantity: l.quantity,
      shipped_quantity: l.shipped_quantity,
      returned_quantity: l.returned_quantity,
      unit_price: l.unit_price,
      line_total: l.line_total,
      discount: l.discount,
    })),
    shipments: shipments.map((s) => ({
      id: s.id,
      tracking_number: s.tracking_number,
      carrier: s.carrier,
      tracking_url: s.tracking_url,
      created_at: s.created_at,
      lines: shipmentLines
        .filter((l) => l.shipment_id === s.id)
        .map((l) => ({ line_id: l.order_line_id, quantity: l.quantity })),
    })),
    returns: returns.map((r) => ({
      id: r.id,
      reason: r.reason,
      created_at: r.created_at,
      lines: returnLines
        .filter((l) => l.return_id === r.id)
        .map((l) => ({ line_id: l.order_line_id, quantity: l.quantity })),
    })),
  }
}

/** Runs a warehouse operation in one transaction, then wakes event readers and the outbox worker. */
async function operate<T>(c: Parameters<typeof hubOf>[0], fn: (trx: Tx) => Promise<T>): Promise<T> {
  const hub = hubOf(c)
  const result = await hub.db.transaction().execute(fn)
  notifyEvents(principal(c).ownerId ?? '*')
  hub.kick()
  return result
}

export const warehouseRoutes = new Hono<AppEnv>()
  .get('/articles', async (c) => {
    const db = hubOf(c).db
    const page = readPage((k) => c.req.query(k))
    const owner = ownerFilter(c)
    let q = db
      .selectFrom('articles')
      .leftJoin('stock_balances', 'stock_balances.article_id', 'articles.id')
      .selectAll('articles')
      .select(['stock_balances.on_hand', 'stock_balances.allocated'])
      .orderBy('articles.id')
      .limit(page.limit + 1)
    if (owner) q = q.where('articles.goods_owner_id', '=', owner)
    if (page.after) q = q.where('articles.id', '>', page.after)
    const number = c.req.query('article_number')
    if (number) q = q.where('articles.article_number', '=', number)
    const updatedSince = c.req.query('updated_since')
    if (updatedSince) q = q.where('articles.updated_at', '>', updatedSince)
    const rows = await q.execute()
    return c.json(
      pageOf(rows, page, (r) =>
        articleView(
          r,
          r.on_hand === null ? null : { on_hand: r.on_hand, allocated: r.allocated ?? 0 },
        ),
      ),
    )
  })
  .post('/articles', async (c) => {
    const body = await readJson(c, articleSchema)
    const ownerId = actingOwner(c, body.goods_owner_id)
    const { article, created } = await hubOf(c)
      .db.transaction()
      .execute((trx) =>
        saveArticle(trx, ownerId, {
          articleNumber: body.article_number,
          name: body.name,
          barcode: body.barcode ?? null,
          productCode: body.product_code ?? null,
          unit: body.unit ?? 'st',
          weightKg: body.weight_kg ?? null,
          price: body.price ?? null,
          supplier: body.supplier ?? null,
          countryOfOrigin: body.country_of_origin ?? null,
          hsCode: body.hs_code ?? null,
          imageUrl: body.image_url ?? null,
          categories: body.categories ?? [],
          active: body.active ?? true,
          stockArticle: body.stock_article ?? true,
        }),
      )
    return c.json(articleView(article), created ? 201 : 200)
  })
  .get('/articles/:id', async (c) => {
    const db = hubOf(c).db
    const owner = principal(c).ownerId
    let q = db
      .selectFrom('articles')
      .leftJoin('stock_balances', 'stock_balances.article_id', 'articles.id')
      .selectAll('articles')
      .select(['stock_balances.on_hand', 'stock_balances.allocated'])
      .where('articles.id', '=', c.req.param('id'))
    if (owner) q = q.where('articles.goods_owner_id', '=', owner)
    const r = await q.executeTakeFirst()
    if (!r) throw notFound('article', c.req.param('id'))
    const links = await db
      .selectFrom('article_links')
      .selectAll()
      .where('article_id', '=', r.id)
      .execute()
    return c.json({
      ...articleView(
        r,
        r.on_hand === null ? null : { on_hand: r.on_hand, allocated: r.allocated ?? 0 },
      ),
      links: links.map((l) => ({
        connection_id: l.connection_id,
        product_id: l.product_id,
        variant_id: l.variant_id,
        inventory_item_id: l.inventory_item_id,
        stock_tracked: l.stock_tracked === 1,
        shop_quantity: l.pushed_quantity,
      })),
    })
  })
  .get('/orders', async (c) => {
    const db = hubOf(c).db
    const page = readPage((k) => c.req.query(k))
    const owner = ownerFilter(c)
    let q = db
      .selectFrom('orders')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (owner) q = q.where('goods_owner_id', '=', owner)
    if (page.after) q = q.where('id', '>', page.after)
    const status = c.req.query('status')
    if (status) {
      const list = status.split(',')
      const bad = list.filter((s) => !(ORDER_STATUSES as readonly string[]).includes(s))
      if (bad.length)
        throw new HubError(
          'validation_failed',
          `Unknown order status "${bad[0]}". Use ${ORDER_STATUSES.join(', ')}.`,
        )
      q = q.where('status', 'in', list as never)
    }
    for (const [param, column, op] of [
      ['created_after', 'created_at', '>='],
      ['created_before', 'created_at', '<'],
      ['updated_since', 'updated_at', '>='],
    ] as const) {
      const v = c.req.query(param)
      if (v) {
        if (Number.isNaN(Date.parse(v)))
          throw new HubError('validation_failed', `${param} must be an ISO-8601 date-time.`)
        q = q.where(column, op, new Date(v).toISOString())
      }
    }
    const connection = c.req.query('connection_id')
    if (connection) q = q.where('connection_id', '=', connection)
    if (c.req.query('needs_attention') === 'true') q = q.where('attention', '!=', '[]')
    const externalId = c.req.query('external_id')
    if (externalId) q = q.where('external_id', '=', externalId)
    return c.json(pageOf(await q.execute(), page, orderView))
  })
  .get('/orders/:id', async (c) => {
    const o = await getOrder(hubOf(c).db, principal(c).ownerId, c.req.param('id'))
    return c.json(await fullOrder(c, o))
  })
  .post('/orders/:id/pick', async (c) => {
    const o = await operate(c, (trx) => startPicking(trx, principal(c).ownerId, c.req.param('id')))
    return c.json(await fullOrder(c, o))
  })
  .post('/orders/:id/hold', async (c) => {
    const body = await readOptionalJson(c, reasonSchema)
    const o = await operate(c, (trx) =>
      holdOrder(trx, principal(c).ownerId, c.req.param('id'), body.reason ?? null),
    )
    return c.json(await fullOrder(c, o))
  })
  .post('/orders/:id/release', async (c) => {
    const o = await operate(c, (trx) => releaseOrder(trx, principal(c).ownerId, c.req.param('id')))
    return c.json(await fullOrder(c, o))
  })
  .post('/orders/:id/cancel', async (c) => {
    const body = await readOptionalJson(c, reasonSchema)
    const o = await operate(c, (trx) =>
      cancelOrder(trx, principal(c).ownerId, c.req.param('id'), body.reason ?? null),
    )
    return c.json(await fullOrder(c, o))
  })
  .post('/orders/:id/ship', async (c) => {
    const body = await readOptionalJson(c, shipSchema)
    const key = c.req.header('idempotency-key') ?? null
    const r = await operate(c, (trx) =>
      shipOrder(trx, principal(c).ownerId, c.req.param('id'), { ...body, idempotency_key: key }),
    )
    const o = await getOrder(hubOf(c).db, null, r.order.id)
    return c.json(
      { shipment_id: r.shipmentId, order: await fullOrder(c, o) },
      r.created ? 201 : 200,
    )
  })
  .post('/orders/:id/fulfil', async (c) => {
    const r = await operate(c, (trx) =>
      releaseFulfilments(trx, principal(c).ownerId, c.req.param('id')),
    )
    const o = await getOrder(hubOf(c).db, null, r.order.id)
    return c.json({ released: r.released, order: await fullOrder(c, o) })
  })
  .post('/orders/:id/returns', async (c) => {
    const body = await readJson(c, returnSchema)
    const key = c.req.header('idempotency-key') ?? null
    const r = await operate(c, (trx) =>
      registerReturn(trx, principal(c).ownerId, c.req.param('id'), {
        ...body,
        idempotency_key: key,
      }),
    )
    const o = await getOrder(hubOf(c).db, null, c.req.param('id'))
    return c.json({ return_id: r.returnId, order: await fullOrder(c, o) }, r.created ? 201 : 200)
  })
  .get('/returns', async (c) => {
    const db = hubOf(c).db
    const page = readPage((k) => c.req.query(k))
    const owner = ownerFilter(c)
    let q = db
      .selectFrom('returns')
      .innerJoin('orders', 'orders.id', 'returns.order_id')
      .select([
        'returns.id',
        'returns.order_id',
        'returns.reason',
        'returns.created_at',
        'orders.order_number',
        'orders.goods_owner_id',
      ])
      .orderBy('returns.id')
      .limit(page.limit + 1)
    if (owner) q = q.where('orders.goods_owner_id', '=', owner)
    if (page.after) q = q.where('returns.id', '>', page.after)
    const rows = await q.execute()
    const lines = rows.length
      ? await db
          .selectFrom('return_lines')
          .selectAll()
          .where(
            'return_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      : []
    const refunds = rows.length
      ? await db
          .selectFrom('outbox')
          .select(['idempotency_key', 'status', 'last_error'])
          .where(
            'idempotency_key',
            'in',
            rows.map((r) => `refund:${r.id}`),
          )
          .execute()
      : []
    return c.json(
      pageOf(rows, page, (r) => {
        const refund = refunds.find((x) => x.idempotency_key === `refund:${r.id}`)
        return {
          ...r,
          lines: lines
            .filter((l) => l.return_id === r.id)
            .map((l) => ({ line_id: l.order_line_id, quantity: l.quantity })),
          refund: refund ? { status: refund.status, last_error: refund.last_error } : null,
        }
      }),
    )
  })
  .get('/stock', async (c) => {
    const db = hubOf(c).db
    const page = readPage((k) => c.req.query(k), 5000)
    const owner = ownerFilter(c)
    let q = db
      .selectFrom('articles')
      .innerJoin('stock_balances', 'stock_balances.article_id', 'articles.id')
      .select([
        'articles.id',
        'articles.article_number',
        'articles.goods_owner_id',
        'stock_balances.on_hand',
        'stock_balances.allocated',
        sql<number>`stock_balances.on_hand - stock_balances.allocated`.as('available'),
        'stock_balances.updated_at',
      ])
      .orderBy('articles.id')
      .limit(page.limit + 1)
    if (owner) q = q.where('articles.goods_owner_id', '=', owner)
    if (page.after) q = q.where('articles.id', '>', page.after)
    const numbers = c.req.query('article_number')
    if (numbers) q = q.where('articles.article_number', 'in', numbers.split(','))
    return c.json(
      pageOf(await q.execute(), page, (r) => ({ ...r, available: Number(r.available) })),
    )
  })
  .post('/stock', async (c) => {
    const body = await readJson(c, stockSchema)
    const ownerId = actingOwner(c, body.goods_owner_id)
    const hub = hubOf(c)
    const results = await hub.db
      .transaction()
      .execute((trx) =>
        applyStockChanges(trx, ownerId, body.items, c.req.header('idempotency-key') ?? null),
      )
    notifyEvents(ownerId)
    hub.kick()
    return c.json({ data: results })
  })
  .get('/stock/journal', async (c) => {
    const db = hubOf(c).db
    const owner = ownerFilter(c)
    const number = c.req.query('article_number')
    if (!number) throw new HubError('validation_failed', 'article_number is required.')
    let q = db
      .selectFrom('stock_journal')
      .innerJoin('articles', 'articles.id', 'stock_journal.article_id')
      .select([
        'stock_journal.id',
        'articles.article_number',
        'stock_journal.on_hand_delta',
        'stock_journal.allocated_delta',
        'stock_journal.on_hand_after',
        'stock_journal.allocated_after',
        'stock_journal.reason',
        'stock_journal.reference',
        'stock_journal.created_at',
      ])
      .where('articles.article_number', '=', number)
      .orderBy('stock_journal.id', 'desc')
      .limit(Math.min(1000, Number(c.req.query('limit') ?? 100) || 100))
    if (owner) q = q.where('articles.goods_owner_id', '=', owner)
    return c.json({ data: await q.execute(), next_cursor: null })
  })
  .get('/shipping-rules', async (c) => {
    const ownerId = actingOwner(c, c.req.query('goods_owner_id'))
    const rules = await listRules(hubOf(c).db, ownerId)
    return c.json({
      data: rules.map((r) => ({
        pattern: r.pattern,
        way_of_delivery: r.way_of_delivery,
        position: r.position,
      })),
    })
  })
  .put('/shipping-rules', async (c) => {
    const body = await readJson(c, rulesSchema)
    const ownerId = actingOwner(c, body.goods_owner_id)
    const rules = await hubOf(c)
      .db.transaction()
      .execute((trx) => replaceRules(trx, ownerId, body.rules))
    return c.json({
      data: rules.map((r) => ({
        pattern: r.pattern,
        way_of_delivery: r.way_of_delivery,
        position: r.position,
      })),
    })
  })

async function readOptionalJson<T>(
  c: Parameters<typeof hubOf>[0],
  schema: z.ZodType<T>,
): Promise<T> {
  const text = await c.req.text()
  if (!text.trim()) return schema.parse({})
  const type = c.req.header('content-type') ?? ''
  if (!type.includes('application/json'))
    throw new HubError(
      'unsupported_media_type',
      'Send the request body as JSON with Content-Type: application/json.',
    )
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new HubError('bad_request', 'The request body is not valid JSON.')
  }
  return schema.parse(body)
}
