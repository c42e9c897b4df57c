/** The one place that turns errors into application/problem+json (RFC 9457). */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ZodError } from 'zod'
import { HubError } from '../errors.ts'
import { scrub } from '../log.ts'

export function problemResponse(c: Context, err: HubError): Response {
  const body = {
    type: `https://dockhand.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: err.title,
    status: err.status,
    detail: err.detail,
    instance: c.req.path,
    code: err.code,
    ...err.extras,
  }
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      ...(err.status === 401 ? { 'www-authenticate': 'Bearer realm="dockhand"' } : {}),
    },
  })
}

export function toHubError(err: unknown): HubError {
  if (err instanceof HubError) return err
  if (err instanceof ZodError) {
    return new HubError('validation_failed', 'The request body is not valid.', {
      extras: {
        errors: err.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message })),
      },
    })
  }
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return new HubError('payload_too_large', err.message || 'The request body is too large.')
    if (err.status === 401)
      return new HubError('unauthorized', err.message || 'A valid bearer token is required.')
    return new HubError(
      err.status === 404 ? 'not_found' : 'bad_request',
      err.message || 'Bad request.',
    )
  }
  return new HubError(
    'internal',
    'The hub hit an unexpected error. It has been logged; please try again.',
    { cause: err },
  )
}

export function logSafe(err: unknown): { message: string; stack?: string } {
  const e = err instanceof Error ? err : new Error(String(err))
  return { message: scrub(e.message), ...(e.stack ? { stack: scrub(e.stack) } : {}) }
}
