/**
 * One error type for the hub. `detail` is for the person using the API (shop owner, WMS
 * developer); `cause` is for logs. Rendered as application/problem+json by the API layer.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'upstream_error'
  | 'not_configured'
  | 'internal'

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream_error: 502,
  not_configured: 501,
  internal: 500,
}

const TITLE: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Validation failed',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  upstream_error: 'Shop platform error',
  not_configured: 'Not configured',
  internal: 'Internal error',
}

export interface ProblemExtras {
  errors?: Array<{ path: string; message: string }>
  [key: string]: unknown
}

export class HubError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly extras: ProblemExtras

  constructor(
    code: ErrorCode,
    detail: string,
    options: { cause?: unknown; extras?: ProblemExtras } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HubError'
    this.code = code
    this.status = STATUS[code]
    this.title = TITLE[code]
    this.detail = detail
    this.extras = options.extras ?? {}
  }
}

export const notFound = (what: string, id: string) =>
  new HubError('not_found', `No ${what} with id "${id}" exists for this token.`)
export const conflict = (detail: string, extras?: ProblemExtras) =>
  new HubError('conflict', detail, extras ? { extras } : {})
export const invalid = (detail: string, errors?: ProblemExtras['errors']) =>
  new HubError('validation_failed', detail, errors ? { extras: { errors } } : {})
