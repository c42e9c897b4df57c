/** The event feed: GET /events?after=<seq>, with long-polling (wait=seconds), so a WMS never polls orders. */
import { Hono } from 'hono'
import { eventSignal } from '../../domain/events.ts'
import { HubError } from '../../errors.ts'
import { type AppEnv, hubOf, ownerFilter } from '../context.ts'

export const eventRoutes = new Hono<AppEnv>().get('/events', async (c) => {
  const hub = hubOf(c)
  const owner = ownerFilter(c)
  const after = Number(c.req.query('after') ?? 0)
  const wait = Number(c.req.query('wait') ?? 0)
  const limit = Number(c.req.query('limit') ?? 100)
  if (!Number.isInteger(after) || after < 0)
    throw new HubError('validation_failed', 'after must be an event sequence number (0 or more).')
  if (!Number.isFinite(wait) || wait < 0 || wait > 60)
    throw new HubError('validation_failed', 'wait must be 0 to 60 seconds.')
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new HubError('validation_failed', 'limit must be 1 to 1000.')
  const types = c.req.query('type')?.split(',')

  const read = async () => {
    let q = hub.db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
    if (owner) q = q.where('goods_owner_id', '=', owner)
    if (types) q = q.where('type', 'in', types)
    return q.execute()
  }
  let rows = await read()
  if (!rows.length && wait > 0) {
    const deadline = Date.now() + wait * 1000
    const aborted = c.req.raw.signal
    while (!rows.length && Date.now() < deadline && !aborted.aborted && !hub.shutdown.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(1000, Math.max(0, deadline - Date.now())))
        function done() {
          clearTimeout(timer)
          eventSignal.off('event', onEvent)
          resolve()
        }
        function onEvent(who: string) {
          if (!owner || who === owner || who === '*') done()
        }
        eventSignal.on('event', onEvent)
      })
      rows = await read()
    }
  }
  const last = rows[rows.length - 1]
  return c.json({
    data: rows.map((r) => ({
      seq: Number(r.seq),
      type: r.type,
      goods_owner_id: r.goods_owner_id,
      subject_id: r.subject_id,
      created_at: r.created_at,
      data: JSON.parse(r.payload),
    })),
    next_after: last ? Number(last.seq) : after,
  })
})
