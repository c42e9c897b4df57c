/**
 * Inbound platform webhooks: POST /webhooks/{platform}/{connection_id}. The connector verifies the
 * signature on the raw body; duplicates are dropped by delivery id; the changed orders are fetched
 * and imported at once (payloads are triggers, the shop's API is the truth).
 */
import { Hono } from 'hono'
import { getConnection } from '../../domain/connections.ts'
import { appendEvent, notifyEvents } from '../../domain/events.ts'
import { ordersHeld, requestErasure } from '../../domain/privacy.ts'
import { HubError } from '../../errors.ts'
import type { Hub } from '../../hub.ts'
import type { Connection } from '../../store/schema.ts'
import type { WebhookVerification } from '../../sync/connector.ts'
import { buildContext } from '../../sync/context.ts'
import { describeError, persistOrders, queueRun } from '../../sync/engine.ts'
import { nowIso } from '../../util/ids.ts'
import type { AppEnv } from '../context.ts'

export function webhookRoutes(hub: Hub) {
  return new Hono<AppEnv>().post('/webhooks/:platform/:connectionId', async (c) => {
    const connection = await getConnection(hub.db, null, c.req.param('connectionId')).catch(
      () => null,
    )
    if (!connection || connection.platform !== c.req.param('platform')) {
      throw new HubError('not_found', 'No such webhook endpoint.')
    }
    const connector = hub.registry.get(connection.platform)
    if (!connector?.verifyWebhook) throw new HubError('not_found', 'No such webhook endpoint.')
    const rawBody = await c.req.text()
    const ctx = buildContext(hub, connection, hub.shutdown)
    const verdict = connector.verifyWebhook(ctx, { headers: c.req.raw.headers, rawBody })
    if (!verdict.ok) {
      hub.log.warn({ connection_id: connection.id, reason: verdict.reason }, 'webhook refused')
      throw new HubError('unauthorized', verdict.reason ?? 'The webhook signature is not valid.')
    }
    if (verdict.hold) {
      // Shown on the connection (status_reason) for a person; the connection is not re-pointed
      // and keeps its status, and nothing from this delivery is fetched or imported.
      hub.log.warn(
        { connection_id: connection.id, code: verdict.hold.code },
        `webhook held: ${verdict.hold.message}`,
      )
      await hub.db
        .updateTable('connections')
        .set({ status_reason: verdict.hold.message, updated_at: nowIso() })
        .where('id', '=', connection.id)
        .execute()
      return c.json({ ok: false, held: true, code: verdict.hold.code }, 202)
    }
    if (verdict.ignore) return c.json({ ok: true, ignored: true })
    if (verdict.deliveryId) {
      const inserted = await hub.db
        .insertInto('webhook_receipts')
        .values({
          connection_id: connection.id,
          delivery_id: verdict.deliveryId,
          received_at: nowIso(),
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0)
        return c.json({ ok: true, duplicate: true })
    }
    if (verdict.privacy) {
      await handlePrivacy(hub, connection, verdict.privacy)
      return c.json({ ok: true })
    }
    if (verdict.orders?.length && connector.fetchOrders) {
      try {
        const batch = await connector.fetchOrders(ctx, verdict.orders)
        // No run to put them on (e.g. an unreadable order): logged; the next poll reports them.
        if (batch.issues.length)
          hub.log.warn(
            { connection_id: connection.id, issues: batch.issues },
            'webhook-triggered fetch: records not imported',
          )
        await hub.db
          .transaction()
          .execute((trx) =>
            persistOrders(hub, connection, connector, ctx, trx, batch.records, null),
          )
        notifyEvents(connection.goods_owner_id)
        hub.kick()
      } catch (err) {
        // The poll on the interval is the safety net; queue a run so it happens soon.
        hub.log.warn(
          { connection_id: connection.id, err: describeError(err) },
          'webhook-triggered fetch failed; queued a run',
        )
        await queueRun(hub, connection, { trigger: 'webhook', processes: ['orders'] })
      }
    }
    if (verdict.products?.length)
      await queueRun(hub, connection, { trigger: 'webhook', processes: ['articles'] })
    return c.json({ ok: true })
  })
}

/**
 * A privacy request passed on by the shop: erasures are carried out (or scheduled for orders still
 * open) and every request becomes an event for the goods owner, who answers the shop's customer.
 */
async function handlePrivacy(
  hub: Hub,
  connection: Connection,
  request: NonNullable<WebhookVerification['privacy']>,
): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    if (request.kind === 'data_request') {
      const orders = await ordersHeld(trx, connection.id, request.orders ?? [])
      await appendEvent(trx, connection.goods_owner_id, 'privacy.data_request', connection.id, {
        connection_id: connection.id,
        reference: request.reference ?? null,
        orders,
        detail:
          "The shop passed on a customer's request for their data; these are the orders the hub holds for them (GET /api/v1/orders/{id} shows what is stored).",
      })
      return
    }
    const outcome = await requestErasure(trx, connection.id, request.orders)
    await appendEvent(trx, connection.goods_owner_id, 'privacy.erasure', connection.id, {
      connection_id: connection.id,
      scope: request.kind === 'shop_erasure' ? 'shop' : 'customer',
      reference: request.reference ?? null,
      ...outcome,
    })
    if (request.kind === 'shop_erasure') {
      await trx
        .updateTable('connections')
        .set({
          status: 'paused',
          status_reason:
            'The shop asked for its data to be erased (the app was uninstalled): personal data on its orders is erased as each order is finished, and the connection is paused.',
          updated_at: nowIso(),
        })
        .where('id', '=', connection.id)
        .execute()
    }
    hub.log.info(
      { connection_id: connection.id, kind: request.kind, ...outcome },
      'privacy erasure requested by the shop',
    )
  })
  notifyEvents(connection.goods_owner_id)
}
