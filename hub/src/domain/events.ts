/**
 * The event feed a WMS follows instead of polling orders: appended in the same transaction as the
 * change it describes. Owners with a webhook URL also get each event pushed (through the outbox).
 */
import { EventEmitter } from 'node:events'
import type { Queryable } from '../store/db.ts'
import { nowIso } from '../util/ids.ts'
import { enqueue } from './outbox.ts'

export const EVENT_TYPES = [
  'order.received',
  'order.changed',
  'order.cancelled',
  'order.conflict',
  'order.picking_started',
  'order.on_hold',
  'order.released',
  'order.shipped',
  'return.registered',
  'stock.changed',
  'privacy.data_request',
  'privacy.erasure',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** Wakes long-polling readers in this process after a commit. Other processes poll. */
export const eventSignal = new EventEmitter()
eventSignal.setMaxListeners(0)

export async function appendEvent(
  db: Queryable,
  ownerId: string,
  type: EventType,
  subjectId: string,
  payload: Record<string, unknown>,
): Promise<number> {
  const createdAt = nowIso()
  const row = await db
    .insertInto('events')
    .values({
      goods_owner_id: ownerId,
      type,
      subject_id: subjectId,
      payload: JSON.stringify(payload),
      created_at: createdAt,
    })
    .returning('seq')
    .executeTakeFirstOrThrow()
  const seq = Number(row.seq)
  const owner = await db
    .selectFrom('goods_owners')
    .select(['webhook_url'])
    .where('id', '=', ownerId)
    .executeTakeFirst()
  if (owner?.webhook_url) {
    await enqueue(db, {
      connectionId: null,
      ownerId,
      kind: 'owner.webhook',
      groupKey: `owner-webhook:${ownerId}`,
      idempotencyKey: `event:${seq}`,
      payload: { seq, type, subject_id: subjectId, created_at: createdAt, data: payload },
    })
  }
  return seq
}

export function notifyEvents(ownerId: string): void {
  eventSignal.emit('event', ownerId)
}
