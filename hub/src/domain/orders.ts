/**
 * Warehouse orders: import from a shop (once per shop order, however often it is seen), changes
 * and cancellations until picking starts, then picking, holding, shipping and returns with the
 * invariants a WMS enforces. Every function runs inside the caller's transaction.
 */
import { createHash } from 'node:crypto'
import { conflict, HubError, invalid, notFound } from '../errors.ts'
import { lockRow, parseJson, type Queryable } from '../store/db.ts'
import type { Order, OrderLine, OrderStatus, ShippingRule } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'
import { appendEvent } from './events.ts'
import { enqueue } from './outbox.ts'
import { resolveWayOfDelivery } from './shipping.ts'
import { changeBalance, markShopStockChanged } from './stock.ts'
import type { OrderInput, RecordIssue } from './types.ts'

export interface AttentionItem {
  code:
    | 'unmapped_shipping_method'
    | 'unknown_article'
    | 'missing_sku'
    | 'missing_address'
    | 'invalid_quantity'
    | 'no_lines'
    | 'conflict_after_picking'
    | 'cancelled_after_picking'
    | 'shop_write_notice'
    | 'text_truncated'
  message: string
  /** Blocking problems put the order on hold until they are resolved. */
  blocking: boolean
  at: string
  /** unknown_article: the article number the line waits for. */
  article_number?: string
}

export type ImportOutcome =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'cancelled'
  | 'conflict'
  | 'skipped'

export interface ImportContext {
  ownerId: string
  connectionId: string
  rules: ShippingRule[]
}

function contentHash(input: OrderInput): string {
  const relevant = {
    lines: input.lines.map((l) => [
      l.externalLineId,
      l.articleNumber,
      l.name,
      l.quantity,
      l.unitPrice ?? null,
      l.lineTotal ?? null,
    ]),
    customer: input.customer,
    invoice: input.invoiceAddress ?? null,
    remark: input.remark ?? null,
    instr: input.deliveryInstruction ?? null,
    ship: input.shippingMethod,
    sp: input.servicePoint ?? null,
    notification: input.notification,
    cancelled: input.cancelled,
  }
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 32)
}

function summary(
  order: Pick<Order, 'id' | 'external_id' | 'order_number' | 'connection_id' | 'status'>,
) {
  return {
    order_id: order.id,
    external_id: order.external_id,
    order_number: order.order_number,
    connection_id: order.connection_id,
    status: order.status,
  }
}

/** The longest texts the hub keeps; longer ones are cut, and the order says so. */
export const TEXT_LIMITS = { remark: 10_000, deliveryInstruction: 2000, lineName: 500 } as const

/** Cut text to at most `max` UTF-16 units without splitting a surrogate pair (an emoji). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const last = text.charCodeAt(max - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}

/** More than a warehouse line can hold (and than a 32-bit quantity column takes): left out. */
export const MAX_LINE_QUANTITY = 1_000_000

const count = (n: number) => n.toLocaleString('en-US')

function truncated(what: string, length: number, max: number, at: string): AttentionItem {
  return {
    code: 'text_truncated',
    message: `The ${what} is ${count(length)} characters long and was cut to the first ${count(max)}; the whole text is in the shop.`,
    blocking: false,
    at,
  }
}

function unknownArticleMessage(lineName: string, articleNumber: string, from?: string): string {
  return from
    ? `Line "${lineName}" has no SKU; its ${from} "${articleNumber}" is not an article of this goods owner.`
    : `Line "${lineName}" has SKU "${articleNumber}", which is not an article of this goods owner.`
}

interface PreparedLine {
  external_line_id: string | null
  article_number: string | null
  article_id: string | null
  name: string
  quantity: number
  unit_price: string | null
  line_total: string | null
  discount: string | null
  platform_meta: string
}

async function prepare(
  db: Queryable,
  ctx: ImportContext,
  input: OrderInput,
): Promise<{ lines: PreparedLine[]; attention: AttentionItem[]; wayOfDelivery: string | null }> {
  const at = nowIso()
  const attention: AttentionItem[] = []
  const numbers = [
    ...new Set(input.lines.map((l) => l.articleNumber).filter((n): n is string => !!n)),
  ]
  const articles = numbers.length
    ? await db
        .selectFrom('articles')
        .select(['id', 'article_number'])
        .where('goods_owner_id', '=', ctx.ownerId)
        .where('article_number', 'in', numbers)
        .execute()
    : []
  const byNumber = new Map(articles.map((a) => [a.article_number, a.id]))
  const lines: PreparedLine[] = []
  for (const l of input.lines) {
    const name = clip(l.name, TEXT_LIMITS.lineName)
    if (!Number.isInteger(l.quantity) || l.quantity <= 0 || l.quantity > MAX_LINE_QUANTITY) {
      attention.push({
        code: 'invalid_quantity',
        message: `Line "${name}" (${l.externalLineId ?? 'no id'}) has quantity ${l.quantity}; it was left out.`,
        blocking: false,
        at,
      })
      continue
    }
    const articleId = l.articleNumber ? (byNumber.get(l.articleNumber) ?? null) : null
    if (!l.articleNumber) {
      attention.push({
        code: 'missing_sku',
        message: `Line "${name}" (${l.externalLineId ?? 'no id'}) has no SKU, so no article can be picked for it.`,
        blocking: true,
        at,
      })
    } else if (!articleId) {
      attention.push({
        code: 'unknown_article',
        message: unknownArticleMessage(name, l.articleNumber, l.articleNumberFrom),
        blocking: true,
        at,
        article_number: l.articleNumber,
      })
    }
    if (l.name.length > TEXT_LIMITS.lineName)
      attention.push(
        truncated(
          `name of line ${l.externalLineId ?? lines.length + 1}`,
          l.name.length,
          TEXT_LIMITS.lineName,
          at,
        ),
      )
    lines.push({
      external_line_id: l.externalLineId,
      article_number: l.articleNumber,
      article_id: articleId,
      name,
      quantity: l.quantity,
      unit_price: l.unitPrice ?? null,
      line_total: l.lineTotal ?? null,
      discount: l.discount ?? null,
      platform_meta: JSON.stringify(l.meta ?? {}),
    })
  }
  if (lines.length === 0) {
    attention.push({
      code: 'no_lines',
      message: 'The order has no line the warehouse can ship.',
      blocking: true,
      at,
    })
  }
  const c = input.customer
  const missing = [
    !c.name && 'name',
    !c.address1 && 'address',
    !c.city && 'city',
    !c.countryCode && 'country',
  ].filter(Boolean)
  if (missing.length) {
    attention.push({
      code: 'missing_address',
      message: `The delivery address lacks ${missing.join(', ')}.`,
      blocking: true,
      at,
    })
  }
  if (input.remark && input.remark.length > TEXT_LIMITS.remark)
    attention.push(truncated('customer note', input.remark.length, TEXT_LIMITS.remark, at))
  const instruction = input.deliveryInstruction
  if (instruction && instruction.length > TEXT_LIMITS.deliveryInstruction)
    attention.push(
      truncated('delivery instruction', instruction.length, TEXT_LIMITS.deliveryInstruction, at),
    )
  const wayOfDelivery = resolveWayOfDelivery(ctx.rules, input.shippingMethod)
  if (!wayOfDelivery) {
    const label = [input.shippingMethod?.name, input.shippingMethod?.code]
      .filter(Boolean)
      .join(' / ')
    attention.push({
      code: 'unmapped_shipping_method',
      message: label
        ? `No shipping-method rule matches "${label}".`
        : 'The order has no shipping method, and no rule matches it.',
      blocking: false,
      at,
    })
  }
  return { lines, attention, wayOfDelivery }
}

function orderColumns(input: OrderInput) {
  return {
    order_number: input.orderNumber.slice(0, 100),
    shop_status: input.shopStatus,
    currency: input.currency,
    total_price: input.totalPrice ?? null,
    order_date: input.orderDate,
    shipping_method_code: input.shippingMethod?.code ?? null,
    shipping_method_name: input.shippingMethod?.name ?? null,
    service_point: input.servicePoint ?? null,
    remark: input.remark ? clip(input.remark, TEXT_LIMITS.remark) : null,
    delivery_instruction: input.deliveryInstruction
      ? clip(input.deliveryInstruction, TEXT_LIMITS.deliveryInstruction)
      : null,
    customer: JSON.stringify(input.customer),
    invoice_address: input.invoiceAddress ? JSON.stringify(input.invoiceAddress) : null,
    notification: JSON.stringify(input.notification),
    platform_meta: JSON.stringify(input.meta ?? {}),
    content_hash: contentHash(input),
  }
}

async function insertLines(db: Queryable, orderId: string, lines: PreparedLine[]): Promise<void> {
  if (!lines.length) return
  await db
    .insertInto('order_lines')
    .values(
      lines.map((l, i) => ({
        id: newId('oln'),
        order_id: orderId,
        line_no: i + 1,
        ...l,
        shipped_quantity: 0,
        returned_quantity: 0,
      })),
    )
    .execute()
}

async function allocate(
  db: Queryable,
  orderId: string,
  sign: 1 | -1,
  reason: string,
): Promise<void> {
  const lines = await db
    .selectFrom('order_lines')
    .select(['article_id', 'quantity', 'shipped_quantity'])
    .where('order_id', '=', orderId)
    .execute()
  for (const l of lines) {
    const open = l.quantity - l.shipped_quantity
    if (l.article_id && open > 0)
      await changeBalance(db, l.article_id, { allocated: sign * open }, reason, orderId)
  }
}

/** Import or update one order from a shop. Idempotent: the same input twice changes nothing. */
export async function importOrder(
  db: Queryable,
  ctx: ImportContext,
  input: OrderInput,
): Promise<{ outcome: ImportOutcome; orderId: string | null; issues: RecordIssue[] }> {
  const found = await db
    .selectFrom('orders')
    .select('id')
    .where('connection_id', '=', ctx.connectionId)
    .where('external_id', '=', input.externalId)
    .executeTakeFirst()
  if (found) await lockRow(db, 'orders', found.id)
  const existing = found
    ? await db.selectFrom('orders').selectAll().where('id', '=', found.id).executeTakeFirst()
    : undefined
  const now = nowIso()

  if (!existing) {
    if (input.cancelled || input.updateOnly)
      return { outcome: 'skipped', orderId: null, issues: [] }
    const prepared = await prepare(db, ctx, input)
    const blocking = prepared.attention.some((a) => a.blocking)
    const id = newId('ord')
    const status: OrderStatus = blocking ? 'on_hold' : 'open'
    await db
      .insertInto('orders')
      .values({
        id,
        goods_owner_id: ctx.ownerId,
        connection_id: ctx.connectionId,
        external_id: input.externalId,
        status,
        way_of_delivery: prepared.wayOfDelivery,
        attention: JSON.stringify(prepared.attention),
        picking_started_at: null,
        cancelled_at: null,
        created_at: now,
        updated_at: now,
        ...orderColumns(input),
      })
      .execute()
    await insertLines(db, id, prepared.lines)
    await allocate(db, id, 1, 'order received')
    // The shop took this stock at checkout.
    await markShopStockChanged(db, ctx.connectionId, prepared.lines)
    await appendEvent(db, ctx.ownerId, 'order.received', id, {
      ...summary({
        id,
        external_id: input.externalId,
        order_number: input.orderNumber,
        connection_id: ctx.connectionId,
        status,
      }),
      attention: prepared.attention.map((a) => a.code),
    })
    return { outcome: 'created', orderId: id, issues: attentionIssues(input, prepared.attention) }
  }

  const hash = contentHash(input)
  if (hash === existing.content_hash) {
    if (existing.shop_status !== input.shopStatus) {
      await db
        .updateTable('orders')
        .set({ shop_status: input.shopStatus })
        .where('id', '=', existing.id)
        .execute()
    }
    return { outcome: 'unchanged', orderId: existing.id, issues: [] }
  }
  if (existing.status === 'cancelled') {
    await db
      .updateTable('orders')
      .set({ shop_status: input.shopStatus, content_hash: hash })
      .where('id', '=', existing.id)
      .execute()
    return { outcome: 'unchanged', orderId: existing.id, issues: [] }
  }
  const locked =
    existing.picking_started_at !== null ||
    ['picking', 'partially_shipped', 'shipped'].includes(existing.status)

  if (existing.status === 'shipped') {
    // Everything has left the warehouse: later shop-side changes (a refund after our own return,
    // Shopify's quantities net of refunds, a status the shop sets) need nothing from the warehouse.
    await db
      .updateTable('orders')
      .set({ shop_status: input.shopStatus, content_hash: hash })
      .where('id', '=', existing.id)
      .execute()
    return { outcome: 'unchanged', orderId: existing.id, issues: [] }
  }

  if (locked) {
    // A cancellation in the shop usually puts the stock back there; changed lines move it too.
    const current = await stockLines(db, existing.id)
    if (input.cancelled || lineSignature(current) !== inputSignature(input))
      await markShopStockChanged(db, ctx.connectionId, current)
    const attention = parseJson<AttentionItem[]>(existing.attention, [])
    const code = input.cancelled ? 'cancelled_after_picking' : 'conflict_after_picking'
    const message = input.cancelled
      ? `The shop cancelled the order (status "${input.shopStatus}") after picking started; the warehouse order was kept.`
      : 'The shop changed the order after picking started; the change was not applied.'
    attention.push({ code, message, blocking: false, at: now })
    await db
      .updateTable('orders')
      .set({
        attention: JSON.stringify(attention),
        shop_status: input.shopStatus,
        content_hash: hash,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute()
    await appendEvent(db, ctx.ownerId, 'order.conflict', existing.id, {
      ...summary(existing),
      reason: message,
    })
    return {
      outcome: 'conflict',
      orderId: existing.id,
      issues: [
        {
          code,
          message: `Order ${existing.order_number}: ${message}`,
          platformRef: input.externalId,
          level: 'warning',
        },
      ],
    }
  }

  if (input.cancelled) {
    await allocate(db, existing.id, -1, 'order cancelled in shop')
    // A cancellation in the shop usually puts the stock back there.
    await markShopStockChanged(db, ctx.connectionId, await stockLines(db, existing.id))
    await db
      .updateTable('orders')
      .set({
        status: 'cancelled',
        cancelled_at: now,
        shop_status: input.shopStatus,
        content_hash: hash,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute()
    await appendEvent(db, ctx.ownerId, 'order.cancelled', existing.id, {
      ...summary({ ...existing, status: 'cancelled' }),
      reason: `cancelled in the shop (status "${input.shopStatus}")`,
    })
    return { outcome: 'cancelled', orderId: existing.id, issues: [] }
  }

  // Open or on hold, picking not started: apply the change.
  const prepared = await prepare(db, ctx, input)
  // Lines or quantities changed: the shop moved its stock by the difference.
  const before = await stockLines(db, existing.id)
  if (lineSignature(before) !== lineSignature(prepared.lines))
    await markShopStockChanged(db, ctx.connectionId, [...before, ...prepared.lines])
  await allocate(db, existing.id, -1, 'order changed in shop')
  await db.deleteFrom('order_lines').where('order_id', '=', existing.id).execute()
  await insertLines(db, existing.id, prepared.lines)
  await allocate(db, existing.id, 1, 'order changed in shop')
  const previous = parseJson<AttentionItem[]>(existing.attention, [])
  const wasAutoHeld = existing.status === 'on_hold' && previous.some((a) => a.blocking)
  const blocking = prepared.attention.some((a) => a.blocking)
  let status: OrderStatus = existing.status
  if (blocking && existing.status === 'open') status = 'on_hold'
  if (!blocking && wasAutoHeld) status = 'open'
  await db
    .updateTable('orders')
    .set({
      ...orderColumns(input),
      status,
      way_of_delivery: prepared.wayOfDelivery,
      attention: JSON.stringify(prepared.attention),
      updated_at: now,
    })
    .where('id', '=', existing.id)
    .execute()
  await appendEvent(db, ctx.ownerId, 'order.changed', existing.id, {
    ...summary({ ...existing, status }),
    attention: prepared.attention.map((a) => a.code),
  })
  return {
    outcome: 'updated',
    orderId: existing.id,
    issues: attentionIssues(input, prepared.attention),
  }
}

/** An order's lines as far as the shop's stock goes (see markShopStockChanged). */
function stockLines(db: Queryable, orderId: string) {
  return db
    .selectFrom('order_lines')
    .select(['article_id', 'article_number', 'quantity', 'platform_meta'])
    .where('order_id', '=', orderId)
    .execute()
}

/** Which articles in which quantities: equal signatures took the same stock from the shop. */
const lineSignature = (lines: Array<{ article_number: string | null; quantity: number }>) =>
  JSON.stringify(lines.map((l) => [l.article_number, l.quantity]).sort())

const inputSignature = (input: OrderInput) =>
  lineSignature(input.lines.map((l) => ({ article_number: l.articleNumber, quantity: l.quantity })))

function attentionIssues(input: OrderInput, attention: AttentionItem[]): RecordIssue[] {
  return attention.map((a) => ({
    code: a.code,
    message: `Order ${input.orderNumber}: ${a.message}`,
    platformRef: input.externalId,
    level: a.blocking ? 'error' : 'warning',
  }))
}

/**
 * Articles that did not exist when orders came in (the line's SKU was "not an article"): link the
 * waiting lines of open and held orders to them, allocate their stock, and renew the orders'
 * unknown-article items. An order held only for such lines is released (`order.released`); one
 * that still has a blocking problem stays on hold (`order.changed`). Runs in the transaction that
 * created the articles, so a later sync or a person creating the article is all a retry needs.
 * Returns the number of orders changed.
 */
export async function linkWaitingLines(
  db: Queryable,
  ownerId: string,
  articles: Array<{ id: string; article_number: string }>,
): Promise<number> {
  if (!articles.length) return 0
  const byNumber = new Map(articles.map((a) => [a.article_number, a.id]))
  const waiting = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select('l.order_id')
    .distinct()
    .where('o.goods_owner_id', '=', ownerId)
    .where('o.status', 'in', ['open', 'on_hold'])
    .where('l.article_id', 'is', null)
    .where('l.article_number', 'in', [...byNumber.keys()])
    .orderBy('l.order_id')
    .execute()
  let changed = 0
  for (const { order_id: orderId } of waiting) {
    const order = await getOrderLocked(db, ownerId, orderId)
    if (order.status !== 'open' && order.status !== 'on_hold') continue
    const now = nowIso()
    const lines = await getLines(db, orderId)
    let linked = 0
    for (const l of lines) {
      const articleId = l.article_id ? null : byNumber.get(l.article_number ?? '')
      if (!articleId) continue
      await db
        .updateTable('order_lines')
        .set({ article_id: articleId })
        .where('id', '=', l.id)
        .execute()
      l.article_id = articleId
      const open = l.quantity - l.shipped_quantity
      if (open > 0)
        await changeBalance(db, articleId, { allocated: open }, 'article created', orderId)
      linked++
    }
    if (!linked) continue
    const previous = parseJson<AttentionItem[]>(order.attention, [])
    // Unknown-article items stay for the lines still waiting.
    const waitingFor = new Set(
      lines.filter((l) => l.article_number && !l.article_id).map((l) => l.article_number!),
    )
    // (Items stored before they carried the number are matched by the quoted number.)
    const about = (a: AttentionItem, n: string) =>
      a.article_number !== undefined ? a.article_number === n : a.message.includes(`"${n}"`)
    const kept = previous.filter(
      (a) => a.code !== 'unknown_article' || [...waitingFor].some((n) => about(a, n)),
    )
    const unknown = lines
      .filter(
        (l) =>
          l.article_number &&
          !l.article_id &&
          !kept.some((a) => a.code === 'unknown_article' && about(a, l.article_number!)),
      )
      .map((l) => ({
        code: 'unknown_article' as const,
        message: unknownArticleMessage(l.name, l.article_number!),
        blocking: true,
        at: now,
        article_number: l.article_number!,
      }))
    const attention = [...kept, ...unknown]
    const wasAutoHeld = order.status === 'on_hold' && previous.some((a) => a.blocking)
    const release = wasAutoHeld && !attention.some((a) => a.blocking)
    const status: OrderStatus = release ? 'open' : order.status
    await db
      .updateTable('orders')
      .set({ status, attention: JSON.stringify(attention), updated_at: now })
      .where('id', '=', orderId)
      .execute()
    if (release)
      await appendEvent(db, order.goods_owner_id, 'order.released', orderId, {
        ...summary({ ...order, status }),
        reason: 'The articles its lines were waiting for exist now.',
      })
    else
      await appendEvent(db, order.goods_owner_id, 'order.changed', orderId, {
        ...summary(order),
        attention: attention.map((a) => a.code),
      })
    changed++
  }
  return changed
}

export async function getOrder(db: Queryable, ownerId: string | null, id: string): Promise<Order> {
  let q = db.selectFrom('orders').selectAll().where('id', '=', id)
  if (ownerId) q = q.where('goods_owner_id', '=', ownerId)
  const order = await q.executeTakeFirst()
  if (!order) throw notFound('order', id)
  return order
}

/** Get an order and lock it for the rest of the transaction (concurrent workers on PostgreSQL). */
async function getOrderLocked(db: Queryable, ownerId: string | null, id: string): Promise<Order> {
  await lockRow(db, 'orders', id)
  return getOrder(db, ownerId, id)
}

export async function getLines(db: Queryable, orderId: string): Promise<OrderLine[]> {
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute()
}

async function setStatus(
  db: Queryable,
  order: Order,
  status: OrderStatus,
  extra: Partial<Order> = {},
): Promise<Order> {
  const now = nowIso()
  const res = await db
    .updateTable('orders')
    .set({ status, updated_at: now, ...extra })
    .where('id', '=', order.id)
    .where('status', '=', order.status)
    .executeTakeFirst()
  if (Number(res.numUpdatedRows) !== 1) {
    throw conflict(
      `Order ${order.order_number} changed while this request ran; read it again and retry.`,
    )
  }
  return { ...order, ...extra, status, updated_at: now }
}

export async function startPicking(
  db: Queryable,
  ownerId: string | null,
  id: string,
): Promise<Order> {
  const order = await getOrderLocked(db, ownerId, id)
  if (order.status === 'cancelled')
    throw conflict(`Order ${order.order_number} is cancelled; it can't be picked.`)
  if (order.status === 'on_hold')
    throw conflict(`Order ${order.order_number} is on hold; release it before picking.`)
  if (order.picking_started_at) {
    throw conflict(
      `Picking of order ${order.order_number} already started at ${order.picking_started_at}.`,
    )
  }
  const updated = await setStatus(db, order, 'picking', { picking_started_at: nowIso() })
  await appendEvent(db, order.goods_owner_id, 'order.picking_started', order.id, summary(updated))
  return updated
}

export async function holdOrder(
  db: Queryable,
  ownerId: string | null,
  id: string,
  reason: string | null,
): Promise<Order> {
  const order = await getOrderLocked(db, ownerId, id)
  if (order.status === 'on_hold') throw conflict(`Order ${order.order_number} is already on hold.`)
  if (order.status !== 'open') {
    throw conflict(
      `Order ${order.order_number} is ${order.status.replace('_', ' ')}; only open orders can be put on hold.`,
    )
  }
  const updated = await setStatus(db, order, 'on_hold')
  await appendEvent(db, order.goods_owner_id, 'order.on_hold', order.id, {
    ...summary(updated),
    reason,
  })
  return updated
}

export async function releaseOrder(
  db: Queryable,
  ownerId: string | null,
  id: string,
): Promise<Order> {
  const order = await getOrderLocked(db, ownerId, id)
  if (order.status !== 'on_hold') throw conflict(`Order ${order.order_number} is not on hold.`)
  const attention = parseJson<AttentionItem[]>(order.attention, []).filter((a) => !a.blocking)
  const updated = await setStatus(db, order, 'open', { attention: JSON.stringify(attention) })
  await appendEvent(db, order.goods_owner_id, 'order.released', order.id, summary(updated))
  return updated
}

export async function cancelOrder(
  db: Queryable,
  ownerId: string | null,
  id: string,
  reason: string | null,
): Promise<Order> {
  const order = await getOrderLocked(db, ownerId, id)
  if (order.status === 'cancelled')
    throw conflict(`Order ${order.order_number} is already cancelled.`)
  if (order.status === 'shipped' || order.status === 'partially_shipped') {
    throw conflict(
      `Order ${order.order_number} has shipments; a shipped order can't be cancelled. Register a return instead.`,
    )
  }
  await allocate(db, order.id, -1, 'order cancelled in warehouse')
  const updated = await setStatus(db, order, 'cancelled', { cancelled_at: nowIso() })
  await appendEvent(db, order.goods_owner_id, 'order.cancelled', order.id, {
    ...summary(updated),
    reason: reason ?? 'cancelled in the warehouse',
  })
  return updated
}

export interface ShipLineInput {
  line_id?: string | undefined
  article_number?: string | undefined
  quantity: number
}

export interface ShipInput {
  lines?: ShipLineInput[] | undefined
  tracking_number?: string | null | undefined
  carrier?: string | null | undefined
  tracking_url?: string | null | undefined
  idempotency_key?: string | null | undefined
}

/**
 * Whether a shipment is reported to the shop on the next run or held until a person triggers it
 * for the order (`releaseFulfilments`, POST /orders/{id}/fulfil). Held when the connection's
 * settings say `fulfil_automatically: false`, or when the order falls outside its fulfilment
 * filter: `fulfil_filter.ways_of_delivery` (only these ways of delivery are reported
 * automatically) and `fulfil_filter.only_when_fully_shipped` (part shipments wait for the last).
 */
async function fulfilmentDecision(
  db: Queryable,
  order: Order,
  allShipped: boolean,
): Promise<{ status: 'pending' | 'held'; reason: string | null }> {
  const row = await db
    .selectFrom('connections')
    .select('settings')
    .where('id', '=', order.connection_id!)
    .executeTakeFirst()
  const s = parseJson<{
    fulfil_automatically?: unknown
    fulfil_filter?: { ways_of_delivery?: unknown; only_when_fully_shipped?: unknown }
  }>(row?.settings, {})
  if (s.fulfil_automatically === false)
    return {
      status: 'held',
      reason: 'The connection reports shipments only when triggered by hand.',
    }
  const ways = Array.isArray(s.fulfil_filter?.ways_of_delivery)
    ? (s.fulfil_filter.ways_of_delivery as string[])
    : []
  if (ways.length && !ways.includes(order.way_of_delivery ?? ''))
    return {
      status: 'held',
      reason: `Way of delivery "${order.way_of_delivery ?? 'none'}" is not in the connection's fulfilment filter (${ways.join(', ')}); trigger it by hand.`,
    }
  if (s.fulfil_filter?.only_when_fully_shipped === true && !allShipped)
    return {
      status: 'held',
      reason: 'The connection reports shipments once the whole order is shipped.',
    }
  return { status: 'pending', reason: null }
}

/**
 * Note on the order something a person should know about a write the shop accepted (e.g. tracking
 * written as a note because the extension is missing). Non-blocking; repeated notes are not added.
 */
export async function addOrderNotice(
  db: Queryable,
  orderId: string,
  message: string,
): Promise<void> {
  const row = await db
    .selectFrom('orders')
    .select('attention')
    .where('id', '=', orderId)
    .executeTakeFirst()
  if (!row) return
  const attention = parseJson<AttentionItem[]>(row.attention, [])
  if (attention.some((a) => a.code === 'shop_write_notice' && a.message === message)) return
  attention.push({ code: 'shop_write_notice', message, blocking: false, at: nowIso() })
  await db
    .updateTable('orders')
    .set({ attention: JSON.stringify(attention) })
    .where('id', '=', orderId)
    .execute()
}

/** Release an order's held fulfilment writes (fulfilment triggered by hand). */
export async function releaseFulfilments(
  db: Queryable,
  ownerId: string | null,
  id: string,
): Promise<{ released: number; order: Order }> {
  const order = await getOrderLocked(db, ownerId, id)
  const res = await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: nowIso() })
    .where('group_key', '=', `order:${order.id}`)
    .where('kind', '=', 'fulfilment')
    .where('status', '=', 'held')
    .executeTakeFirst()
  return { released: Number(res.numUpdatedRows), order }
}

/**
 * Ship all (no lines given) or part of an order. Shipping more than remains, shipping a cancelled or
 * held order, or naming an unknown line is a 409/422 and nothing is applied. An idempotency key
 * makes a retried request return the first shipment instead of shipping twice.
 */
export async function shipOrder(
  db: Queryable,
  ownerId: string | null,
  id: string,
  input: ShipInput,
): Promise<{ shipmentId: string; created: boolean; order: Order }> {
  const order = await getOrderLocked(db, ownerId, id)
  if (input.idempotency_key) {
    const prior = await db
      .selectFrom('shipments')
      .select('id')
      .where('order_id', '=', order.id)
      .where('idempotency_key', '=', input.idempotency_key)
      .executeTakeFirst()
    if (prior) return { shipmentId: prior.id, created: false, order }
  }
  if (order.status === 'cancelled')
    throw conflict(`Order ${order.order_number} is cancelled; it can't be shipped.`)
  if (order.status === 'on_hold')
    throw conflict(`Order ${order.order_number} is on hold; release it before shipping.`)
  if (order.status === 'shipped')
    throw conflict(`Order ${order.order_number} is already fully shipped.`)
  const lines = await getLines(db, order.id)
  const wanted = new Map<string, number>()
  if (!input.lines || input.lines.length === 0) {
    for (const l of lines)
      if (l.quantity > l.shipped_quantity) wanted.set(l.id, l.quantity - l.shipped_quantity)
  } else {
    const errors: Array<{ path: string; message: string }> = []
    input.lines.forEach((sl, i) => {
      const line = sl.line_id
        ? lines.find((l) => l.id === sl.line_id)
        : (lines.find(
            (l) =>
              l.article_number === sl.article_number &&
              l.quantity - l.shipped_quantity - (wanted.get(l.id) ?? 0) > 0,
          ) ?? lines.find((l) => l.article_number === sl.article_number))
      if (!line) {
        errors.push({
          path: `/lines/${i}`,
          message: `no line ${sl.line_id ? `with id "${sl.line_id}"` : `with article number "${sl.article_number}"`} on this order`,
        })
        return
      }
      if (!Number.isInteger(sl.quantity) || sl.quantity <= 0) {
        errors.push({
          path: `/lines/${i}/quantity`,
          message: 'quantity must be a whole number above zero',
        })
        return
      }
      wanted.set(line.id, (wanted.get(line.id) ?? 0) + sl.quantity)
    })
    if (errors.length)
      throw invalid(
        'The shipment names lines or quantities that are not valid; nothing was shipped.',
        errors,
      )
    const over: string[] = []
    for (const [lineId, qty] of wanted) {
      const line = lines.find((l) => l.id === lineId)!
      const remaining = line.quantity - line.shipped_quantity
      if (qty > remaining)
        over.push(`${line.article_number ?? line.name}: ${qty} asked, ${remaining} left to ship`)
    }
    if (over.length)
      throw conflict(
        `Shipping more than was ordered on order ${order.order_number}: ${over.join('; ')}. Nothing was shipped.`,
      )
  }
  if (wanted.size === 0) throw conflict(`Order ${order.order_number} has nothing left to ship.`)

  const now = nowIso()
  const shipmentId = newId('shp')
  await db
    .insertInto('shipments')
    .values({
      id: shipmentId,
      order_id: order.id,
      tracking_number: input.tracking_number ?? null,
      carrier: input.carrier ?? null,
      tracking_url: input.tracking_url ?? null,
      idempotency_key: input.idempotency_key ?? null,
      created_at: now,
    })
    .execute()
  for (const [lineId, qty] of wanted) {
    const line = lines.find((l) => l.id === lineId)!
    await db
      .insertInto('shipment_lines')
      .values({ shipment_id: shipmentId, order_line_id: lineId, quantity: qty })
      .execute()
    await db
      .updateTable('order_lines')
      .set({ shipped_quantity: line.shipped_quantity + qty })
      .where('id', '=', lineId)
      .execute()
    line.shipped_quantity += qty
    if (line.article_id)
      await changeBalance(
        db,
        line.article_id,
        { onHand: -qty, allocated: -qty },
        'shipped',
        shipmentId,
      )
  }
  const allShipped = lines.every((l) => l.shipped_quantity >= l.quantity)
  const status: OrderStatus = allShipped ? 'shipped' : 'partially_shipped'
  const updated = await setStatus(db, order, status, {
    picking_started_at: order.picking_started_at ?? now,
  })
  const shipmentLines = [...wanted].map(([lineId, qty]) => {
    const l = lines.find((x) => x.id === lineId)!
    return {
      line_id: l.id,
      external_line_id: l.external_line_id,
      article_number: l.article_number,
      quantity: qty,
      meta: parseJson<Record<string, unknown>>(l.platform_meta, {}),
    }
  })
  const decision = order.connection_id
    ? await fulfilmentDecision(db, order, allShipped)
    : { status: 'pending' as const, reason: null }
  if (order.connection_id) {
    // The last shipment passes the filter: part shipments held for it go first (group order).
    if (decision.status === 'pending' && allShipped)
      await db
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: nowIso() })
        .where('group_key', '=', `order:${order.id}`)
        .where('kind', '=', 'fulfilment')
        .where('status', '=', 'held')
        .execute()
    await enqueue(db, {
      connectionId: order.connection_id,
      ownerId: order.goods_owner_id,
      kind: 'fulfilment',
      groupKey: `order:${order.id}`,
      idempotencyKey: `fulfilment:${shipmentId}`,
      status: decision.status,
      payload: {
        order_id: order.id,
        external_order_id: order.external_id,
        order_number: order.order_number,
        shipment_id: shipmentId,
        lines: shipmentLines,
        tracking:
          input.tracking_number || input.tracking_url
            ? {
                number: input.tracking_number ?? null,
                carrier: input.carrier ?? null,
                url: input.tracking_url ?? null,
              }
            : null,
        all_shipped: allShipped,
        order_meta: parseJson<Record<string, unknown>>(order.platform_meta, {}),
      },
    })
  }
  await appendEvent(db, order.goods_owner_id, 'order.shipped', order.id, {
    ...summary(updated),
    shipment_id: shipmentId,
    lines: shipmentLines.map(({ meta: _m, ...l }) => l),
    tracking_number: input.tracking_number ?? null,
    ...(order.connection_id
      ? {
          reported_to_shop: decision.status === 'pending' ? 'queued' : 'held',
          held_reason: decision.reason,
        }
      : {}),
  })
  return { shipmentId, created: true, order: updated }
}

export interface ReturnInput {
  lines: Array<{
    line_id?: string | undefined
    article_number?: string | undefined
    quantity: number
  }>
  reason?: string | null | undefined
  idempotency_key?: string | null | undefined
  /** Put the returned goods back on hand. Default true. */
  restock?: boolean | undefined
}

/** Register a return of shipped goods; the shop gets one refund for it through the outbox. */
export async function registerReturn(
  db: Queryable,
  ownerId: string | null,
  id: string,
  input: ReturnInput,
): Promise<{ returnId: string; created: boolean }> {
  const order = await getOrderLocked(db, ownerId, id)
  if (input.idempotency_key) {
    const prior = await db
      .selectFrom('returns')
      .select('id')
      .where('order_id', '=', order.id)
      .where('idempotency_key', '=', input.idempotency_key)
      .executeTakeFirst()
    if (prior) return { returnId: prior.id, created: false }
  }
  if (!input.lines.length) throw invalid('A return needs at least one line.')
  const lines = await getLines(db, order.id)
  const wanted = new Map<string, number>()
  const errors: Array<{ path: string; message: string }> = []
  input.lines.forEach((rl, i) => {
    const line = rl.line_id
      ? lines.find((l) => l.id === rl.line_id)
      : lines.find((l) => l.article_number === rl.article_number)
    if (!line) {
      errors.push({ path: `/lines/${i}`, message: 'no such line on this order' })
      return
    }
    if (!Number.isInteger(rl.quantity) || rl.quantity <= 0) {
      errors.push({
        path: `/lines/${i}/quantity`,
        message: 'quantity must be a whole number above zero',
      })
      return
    }
    wanted.set(line.id, (wanted.get(line.id) ?? 0) + rl.quantity)
  })
  if (errors.length) throw invalid('The return is not valid; nothing was registered.', errors)
  const over: string[] = []
  for (const [lineId, qty] of wanted) {
    const l = lines.find((x) => x.id === lineId)!
    const returnable = l.shipped_quantity - l.returned_quantity
    if (qty > returnable)
      over.push(
        `${l.article_number ?? l.name}: ${qty} returned, ${returnable} shipped and not yet returned`,
      )
  }
  if (over.length)
    throw conflict(
      `Returning more than was shipped on order ${order.order_number}: ${over.join('; ')}.`,
    )

  const now = nowIso()
  const returnId = newId('ret')
  await db
    .insertInto('returns')
    .values({
      id: returnId,
      order_id: order.id,
      reason: input.reason ?? null,
      idempotency_key: input.idempotency_key ?? null,
      created_at: now,
    })
    .execute()
  for (const [lineId, qty] of wanted) {
    const l = lines.find((x) => x.id === lineId)!
    await db
      .insertInto('return_lines')
      .values({ return_id: returnId, order_line_id: lineId, quantity: qty })
      .execute()
    await db
      .updateTable('order_lines')
      .set({ returned_quantity: l.returned_quantity + qty })
      .where('id', '=', lineId)
      .execute()
    if (l.article_id && input.restock !== false)
      await changeBalance(db, l.article_id, { onHand: qty }, 'returned', returnId)
  }
  const refundLines = [...wanted].map(([lineId, qty]) => {
    const l = lines.find((x) => x.id === lineId)!
    return {
      line_id: l.id,
      external_line_id: l.external_line_id,
      article_number: l.article_number,
      quantity: qty,
      unit_price: l.unit_price,
      line_total: l.line_total,
      ordered_quantity: l.quantity,
      meta: parseJson<Record<string, unknown>>(l.platform_meta, {}),
    }
  })
  if (order.connection_id) {
    await enqueue(db, {
      connectionId: order.connection_id,
      ownerId: order.goods_owner_id,
      kind: 'refund',
      groupKey: `order:${order.id}`,
      idempotencyKey: `refund:${returnId}`,
      payload: {
        order_id: order.id,
        external_order_id: order.external_id,
        order_number: order.order_number,
        return_id: returnId,
        reason: input.reason ?? null,
        currency: order.currency,
        lines: refundLines,
        order_meta: parseJson<Record<string, unknown>>(order.platform_meta, {}),
      },
    })
  }
  await appendEvent(db, order.goods_owner_id, 'return.registered', order.id, {
    ...summary(order),
    return_id: returnId,
    lines: refundLines.map(({ meta: _m, ...l }) => l),
    reason: input.reason ?? null,
  })
  return { returnId, created: true }
}

export { HubError }
