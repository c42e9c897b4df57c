/**
 * Delivers outbox writes: to shops through their connector, and events to goods owners' webhook
 * URLs (HMAC-signed). Retries with exponential backoff and jitter, honouring Retry-After.
 */

import { hmacSha256 } from '../crypto/tokens.ts'
import { getConnection } from '../domain/connections.ts'
import { addOrderNotice } from '../domain/orders.ts'
import {
  backoffMs,
  claimDue,
  MAX_ATTEMPTS,
  markDone,
  markFailed,
  markRetry,
  renewClaim,
} from '../domain/outbox.ts'
import type { Hub } from '../hub.ts'
import type { Connection, OutboxItem } from '../store/schema.ts'
import type { Connector, DeliveryOutcome } from './connector.ts'
import { buildContext } from './context.ts'
import { describeError } from './engine.ts'

export interface DrainResult {
  done: number
  retried: number
  failed: Array<{ kind: string; reason: string; final: boolean; connectionId: string | null }>
  /** Writes that were done with something a person should know. */
  notices: Array<{ kind: string; code: string; message: string }>
}

/**
 * Deliver due writes until none are left (or only ones waiting for their backoff).
 * `connectionId: null` drains owner webhooks; undefined drains everything.
 */
export async function drainOutbox(
  hub: Hub,
  options: {
    connectionId?: string | null
    kinds?: string[]
    connector?: Connector
    onItem?: (outcome: 'done' | 'retry' | 'failed') => void
    /** Calls a client tried again while delivering (for the run log). */
    retried?: (reason: string, connectionId: string) => void
    maxRounds?: number
  } = {},
): Promise<DrainResult> {
  const result: DrainResult = { done: 0, retried: 0, failed: [], notices: [] }
  const connections = new Map<string, Connection>()
  for (let round = 0; round < (options.maxRounds ?? 10_000); round++) {
    if (hub.shutdown.aborted) break
    // How long a claimed write is reserved for this worker (DOCKHAND_OUTBOX_LEASE_SECONDS): a
    // worker that dies holding writes loses them after this long (PostgreSQL).
    const leaseMs = hub.config.outboxLeaseMs
    const claimedAt = Date.now()
    const items = await claimDue(hub.db, {
      limit: 20,
      leaseMs,
      ...(options.connectionId !== undefined ? { connectionId: options.connectionId } : {}),
      ...(options.kinds ? { kinds: options.kinds } : {}),
    })
    if (!items.length) break
    for (const item of items) {
      if (hub.shutdown.aborted) break
      // The claim covers the whole batch; renew it for this write before and while it goes out,
      // and leave it if the claim ran out meanwhile and another worker took it over (the writes
      // before it in the batch took longer than the lease).
      if (Date.now() - claimedAt > leaseMs / 3 && !(await renewClaim(hub.db, item, leaseMs)))
        continue
      const renewal = setInterval(() => {
        void renewClaim(hub.db, item, leaseMs).catch(() => undefined)
      }, leaseMs / 3)
      const outcome = await deliverOne(
        hub,
        item,
        connections,
        options.connector,
        options.retried,
      ).finally(() => clearInterval(renewal))
      if (outcome.status === 'done') {
        await hub.db.transaction().execute(async (trx) => {
          await markDone(trx, item.id, outcome.result)
          if (item.kind === 'stock.set') await confirmStock(trx, item)
          const orderId = outcome.notice
            ? (JSON.parse(item.payload) as { order_id?: unknown }).order_id
            : undefined
          if (outcome.notice && typeof orderId === 'string')
            await addOrderNotice(trx, orderId, outcome.notice.message)
        })
        result.done++
        if (outcome.notice) result.notices.push({ kind: item.kind, ...outcome.notice })
      } else if (outcome.status === 'retry' && item.attempts < MAX_ATTEMPTS) {
        const delay = backoffMs(item.attempts, outcome.retryAfterMs)
        await markRetry(hub.db, item.id, outcome.reason, delay)
        result.retried++
        result.failed.push({
          kind: item.kind,
          reason: `${describeWrite(item)}, attempt ${item.attempts}: ${withRetryNote(outcome.reason)}`,
          final: false,
          connectionId: item.connection_id,
        })
      } else {
        const reason =
          outcome.status === 'retry'
            ? `gave up after ${item.attempts} attempts: ${outcome.reason}`
            : outcome.reason
        await markFailed(hub.db, item.id, reason)
        result.failed.push({
          kind: item.kind,
          reason: `${describeWrite(item)}: ${reason}`,
          final: true,
          connectionId: item.connection_id,
        })
      }
      options.onItem?.(
        outcome.status === 'done' ? 'done' : outcome.status === 'retry' ? 'retry' : 'failed',
      )
    }
  }
  return result
}

async function confirmStock(trx: Parameters<typeof markDone>[0], item: OutboxItem): Promise<void> {
  const payload = JSON.parse(item.payload) as { items: Array<{ linkId: string; quantity: number }> }
  for (const t of payload.items) {
    await trx
      .updateTable('article_links')
      .set({ pushed_quantity: t.quantity })
      .where('id', '=', t.linkId)
      .execute()
    await trx
      .updateTable('article_links')
      .set({ queued_quantity: null })
      .where('id', '=', t.linkId)
      .where('queued_quantity', '=', t.quantity)
      .execute()
  }
}

async function deliverOne(
  hub: Hub,
  item: OutboxItem,
  connections: Map<string, Connection>,
  connectorOverride?: Connector,
  retried?: (reason: string, connectionId: string) => void,
): Promise<DeliveryOutcome> {
  try {
    if (item.kind === 'owner.webhook') return await deliverOwnerWebhook(hub, item)
    if (!item.connection_id) return { status: 'failed', reason: `no connection for ${item.kind}` }
    let connection = connections.get(item.connection_id)
    if (!connection) {
      connection = await getConnection(hub.db, null, item.connection_id)
      connections.set(connection.id, connection)
    }
    if (connection.status === 'paused')
      return { status: 'retry', reason: 'the connection is paused', retryAfterMs: 60_000 }
    if (connection.status === 'needs_attention')
      return {
        status: 'retry',
        reason: `the connection needs attention: ${connection.status_reason ?? 'see the connection'}`,
        retryAfterMs: 60_000,
      }
    const connector = connectorOverride ?? hub.registry.get(connection.platform)
    if (!connector)
      return {
        status: 'retry',
        reason: `this hub has no ${connection.platform} connector`,
        retryAfterMs: 300_000,
      }
    const connectionId = connection.id
    const ctx = buildContext(
      hub,
      connection,
      hub.shutdown,
      retried && ((reason) => retried(reason, connectionId)),
    )
    return await connector.deliver(ctx, {
      id: item.id,
      kind: item.kind,
      idempotencyKey: item.idempotency_key,
      payload: JSON.parse(item.payload),
      attempt: item.attempts,
    })
  } catch (err) {
    return { status: 'retry', reason: describeError(err) }
  }
}

/** POST an event to the goods owner's webhook URL, signed: X-Dockhand-Signature: t=<unix>,v1=<hex hmac of "t.body">. */
async function deliverOwnerWebhook(hub: Hub, item: OutboxItem): Promise<DeliveryOutcome> {
  const owner = await hub.db
    .selectFrom('goods_owners')
    .selectAll()
    .where('id', '=', item.goods_owner_id)
    .executeTakeFirst()
  if (!owner?.webhook_url) return { status: 'done', result: { skipped: 'no webhook url' } }
  const body = item.payload
  const timestamp = Math.floor(Date.now() / 1000)
  const secret = owner.webhook_secret_enc
    ? hub.box.open(owner.webhook_secret_enc, `owner:${owner.id}`)
    : null
  const event = JSON.parse(body) as { type: string }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Dockhand-Webhooks/1',
    'x-dockhand-event': event.type,
    'x-dockhand-delivery': item.idempotency_key,
  }
  if (secret)
    headers['x-dockhand-signature'] =
      `t=${timestamp},v1=${hmacSha256(secret, `${timestamp}.${body}`)}`
  let res: Response
  try {
    res = await fetch(owner.webhook_url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any([AbortSignal.timeout(15_000), hub.shutdown]),
    })
  } catch (err) {
    return {
      status: 'retry',
      reason: `could not reach ${owner.webhook_url}: ${describeError(err)}`,
    }
  }
  await res.arrayBuffer().catch(() => undefined)
  if (res.ok) return { status: 'done', result: { http_status: res.status } }
  const retryAfter = Number(res.headers.get('retry-after'))
  if (res.status === 429 || res.status >= 500 || res.status === 408) {
    return {
      status: 'retry',
      reason: `${owner.webhook_url} answered ${res.status}`,
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    }
  }
  return { status: 'retry', reason: `${owner.webhook_url} answered ${res.status}` }
}

/** What a write is, for a person reading the run log ("Shipment of order 1042"). */
export function describeWrite(item: Pick<OutboxItem, 'kind' | 'payload'>): string {
  let p: { order_number?: unknown; items?: unknown[]; type?: unknown } = {}
  try {
    p = JSON.parse(item.payload) ?? {}
  } catch {
    // described by its kind alone
  }
  const order = p.order_number ? ` of order ${String(p.order_number)}` : ''
  switch (item.kind) {
    case 'fulfilment':
      return `Shipment${order}`
    case 'refund':
      return `Refund${order}`
    case 'order.status':
      return `Status update${order}`
    case 'stock.set': {
      const n = Array.isArray(p.items) ? p.items.length : 0
      return `Stock update of ${n} article${n === 1 ? '' : 's'}`
    }
    case 'owner.webhook':
      return `Event ${typeof p.type === 'string' ? `${p.type} ` : ''}to the goods owner's webhook`
    default:
      return `Write ${item.kind}${order}`
  }
}

function withRetryNote(reason: string): string {
  return /tried again|will retry|retry/i.test(reason)
    ? reason
    : `${reason.replace(/\.?\s*$/, '.')} It will be tried again.`
}
