/**
 * The hub's HTTP API. `createApp(hub)` builds it; only main.ts calls `serve()`.
 *
 * @example
 * const app = createApp(hub)
 * const res = await app.request('/health')
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { sql } from 'kysely'
import { findToken } from '../domain/owners.ts'
import { HubError } from '../errors.ts'
import type { Hub } from '../hub.ts'
import { nowIso } from '../util/ids.ts'
import type { AppEnv } from './context.ts'
import { buildOpenApi, docsPage } from './openapi.ts'
import { logSafe, problemResponse, toHubError } from './problem.ts'
import { adminRoutes } from './routes/admin.ts'
import { connectionRoutes } from './routes/connections.ts'
import { eventRoutes } from './routes/events.ts'
import { shopifyAppRoutes } from './routes/shopify-app.ts'
import { warehouseRoutes } from './routes/warehouse.ts'
import { webhookRoutes } from './routes/webhooks.ts'

export const VERSION = '0.1.0'

export function createApp(hub: Hub) {
  const app = new Hono<AppEnv>()

  app.onError((err, c) => {
    const problem = toHubError(err)
    if (problem.status >= 500)
      hub.log.error({ err: logSafe(err), path: c.req.path }, 'request failed')
    return problemResponse(c, problem)
  })
  app.notFound((c) =>
    problemResponse(
      c,
      new HubError(
        'not_found',
        `There is no ${c.req.method} ${c.req.path} route. See /api/v1/openapi.json.`,
      ),
    ),
  )

  app.use('*', async (c, next) => {
    c.set('hub', hub)
    const started = performance.now()
    await next()
    hub.log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  })
  app.use(
    '*',
    bodyLimit({
      maxSize: hub.config.maxBodyBytes,
      onError: (c) =>
        problemResponse(
          c,
          new HubError(
            'payload_too_large',
            `The request body is larger than the hub accepts (${hub.config.maxBodyBytes} bytes).`,
          ),
        ),
    }),
  )

  app.get('/health', async (c) => {
    try {
      await sql`select 1`.execute(hub.db)
      return c.json({ status: 'ok', version: VERSION, time: nowIso() })
    } catch (err) {
      return c.json({ status: 'error', detail: (err as Error).message }, 503)
    }
  })
  app.get('/api/v1/openapi.json', (c) => c.json(buildOpenApi()))
  app.get('/api/v1/docs', (c) => c.html(docsPage()))
  app.get('/', (c) => c.redirect('/api/v1/docs'))

  app.route('/', webhookRoutes(hub))
  app.route('/', shopifyAppRoutes(hub))

  const api = new Hono<AppEnv>()
  api.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match)
      throw new HubError('unauthorized', 'Send an API token as "Authorization: Bearer <token>".')
    const token = await findToken(hub.db, match[1]!)
    if (!token)
      throw new HubError('unauthorized', 'The API token is not valid or has been revoked.')
    c.set('principal', {
      tokenId: token.id,
      role: token.role,
      ownerId: token.role === 'owner' ? token.goods_owner_id : null,
    })
    // Record use at most once a minute per token, off the request's path.
    if (!token.last_used_at || Date.now() - Date.parse(token.last_used_at) > 60_000) {
      void hub.db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso() })
        .where('id', '=', token.id)
        .execute()
        .catch(() => undefined)
    }
    await next()
  })
  api.route('/', adminRoutes)
  api.route('/', connectionRoutes)
  api.route('/', warehouseRoutes)
  api.route('/', eventRoutes)
  app.route('/api/v1', api)
  return app
}

export type App = ReturnType<typeof createApp>
