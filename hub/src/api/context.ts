import type { Context } from 'hono'
import { HubError } from '../errors.ts'
import type { Hub } from '../hub.ts'

export interface Principal {
  tokenId: string
  role: 'admin' | 'owner'
  /** Set for owner tokens: every query is confined to this goods owner. */
  ownerId: string | null
}

export type AppEnv = { Variables: { principal: Principal; hub: Hub } }
export type AppContext = Context<AppEnv>

export function principal(c: AppContext): Principal {
  return c.get('principal')
}

export function requireAdmin(c: AppContext): void {
  if (principal(c).role !== 'admin') throw new HubError('forbidden', 'This needs an admin token.')
}

/** The goods owner a request acts for: the token's own, or (admin) the one named in the request. */
export function actingOwner(c: AppContext, named?: string | null): string {
  const p = principal(c)
  if (p.ownerId) {
    if (named && named !== p.ownerId)
      throw new HubError('not_found', `No goods owner with id "${named}" exists for this token.`)
    return p.ownerId
  }
  if (!named)
    throw new HubError(
      'validation_failed',
      'An admin token must say which goods owner: pass goods_owner_id.',
    )
  return named
}

/** For reads: owner tokens see their own; admin tokens see all, or one owner if named. */
export function ownerFilter(c: AppContext): string | null {
  const p = principal(c)
  return p.ownerId ?? c.req.query('goods_owner_id') ?? null
}

export async function readJson<T>(c: AppContext, schema: { parse(v: unknown): T }): Promise<T> {
  const type = c.req.header('content-type') ?? ''
  if (!type.includes('application/json')) {
    throw new HubError(
      'unsupported_media_type',
      'Send the request body as JSON with Content-Type: application/json.',
    )
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new HubError('bad_request', 'The request body is not valid JSON.')
  }
  return schema.parse(body)
}

export function hubOf(c: AppContext): Hub {
  return c.get('hub')
}
