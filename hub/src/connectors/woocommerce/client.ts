/**
 * The only place that talks HTTP to a WooCommerce shop, through WooCommerce's own JS client
 * (`@woocommerce/woocommerce-rest-api`): HTTPS → Basic auth (or query-string auth for hosts that
 * strip the Authorization header), plain HTTP → OAuth 1.0a, HMAC-SHA256 by default.
 * Reads retry with backoff (honouring Retry-After); writes never retry here — the outbox retries
 * them, and the caller checks the shop first.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication
 */
import { createHmac } from 'node:crypto'
import WooLib from '@woocommerce/woocommerce-rest-api'
import OAuth from 'oauth-1.0a'
import type { WooCommerceSettings } from '../../../../shared/src/settings.ts'
import type { ConnectorContext } from '../../sync/connector.ts'

export type WooCtx = ConnectorContext<WooCommerceSettings>

// The package is Babel-compiled CommonJS without "exports": plain Node's ESM loader hands us
// `module.exports` ({ default: class }), bundlers/vitest hand us the class itself.
const WooCommerceRestApi: typeof WooLib =
  (WooLib as unknown as { default?: typeof WooLib }).default ?? WooLib
type WooCommerceRestApi = InstanceType<typeof WooLib>

/**
 * The library signs OAuth 1.0a with HMAC-SHA256 only. For shops set to HMAC-SHA1 we replace its
 * signer with oauth-1.0a configured for SHA1 and keep the library's URL normalisation, so the
 * base string is built exactly as for SHA256.
 */
class Sha1WooCommerceRestApi extends WooCommerceRestApi {
  _getOAuth(): OAuth {
    const self = this as unknown as { consumerKey: string; consumerSecret: string }
    return new OAuth({
      consumer: { key: self.consumerKey, secret: self.consumerSecret },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    })
  }
}

export interface WooResponse<T = unknown> {
  data: T
  status: number
  headers: Record<string, string>
  /** X-WP-Total, when the endpoint is a collection. */
  total: number | null
}

/** `bad_response`: a 2xx whose body is not JSON (cut off, or mangled by the host); transient. */
export type WooErrorKind = 'network' | 'timeout' | 'http' | 'bad_response'

/** A failed request, with a reason in plain words and whether trying again may help. */
export class WooError extends Error {
  constructor(
    readonly kind: WooErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    readonly retryAfterMs: number | undefined = undefined,
    /** WooCommerce's own message from the error body, if any. */
    readonly shopMessage: string | null = null,
  ) {
    super(message)
    this.name = 'WooError'
  }
  get transient(): boolean {
    if (this.kind !== 'http') return true
    const s = this.status ?? 0
    return s === 408 || s === 429 || s >= 500
  }
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403
  }
}

type Method = 'get' | 'post' | 'put' | 'delete'

const READ_ATTEMPTS = 5

export class WooClient {
  readonly baseUrl: string
  readonly isHttps: boolean
  private queryStringAuth: boolean
  /** Set when Basic auth was dropped by the host and query-string auth worked instead. */
  headerStripped = false
  private readonly apis = new Map<string, WooCommerceRestApi>()

  constructor(
    private readonly ctx: WooCtx,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.baseUrl = ctx.connection.baseUrl.replace(/\/+$/, '')
    this.isHttps = /^https:/i.test(this.baseUrl)
    this.queryStringAuth = ctx.settings.query_string_auth === true
  }

  private get settings() {
    return this.ctx.settings
  }

  private api(namespace: string): WooCommerceRestApi {
    const key = `${namespace}|${this.queryStringAuth}`
    let api = this.apis.get(key)
    if (!api) {
      const sha1 = !this.isHttps && this.settings.oauth_signature_method === 'HMAC-SHA1'
      const Api = sha1 ? Sha1WooCommerceRestApi : WooCommerceRestApi
      api = new Api({
        url: this.baseUrl,
        consumerKey: this.ctx.credentials.consumer_key ?? '',
        consumerSecret: this.ctx.credentials.consumer_secret ?? '',
        version: namespace as 'wc/v3',
        queryStringAuth: this.queryStringAuth,
        timeout: (this.settings.request_timeout_seconds ?? 30) * 1000,
        axiosConfig: { signal: this.ctx.signal },
      })
      this.apis.set(key, api)
    }
    return api
  }

  private get version(): string {
    return this.settings.api_version ?? 'wc/v3'
  }

  private async once<T>(
    method: Method,
    endpoint: string,
    options: { params?: Record<string, unknown>; data?: unknown; namespace?: string },
  ): Promise<WooResponse<T>> {
    const api = this.api(options.namespace ?? this.version)
    const params = options.params ?? {}
    try {
      const res =
        method === 'get'
          ? await api.get<T>(endpoint, params)
          : method === 'delete'
            ? await api.delete<T>(endpoint, params)
            : await api[method]<T>(endpoint, options.data ?? {}, params)
      const headers = lowerHeaders(res.headers)
      // axios hands back the raw text when JSON parsing fails: a cut-off or mangled answer must
      // not pass for an empty one (a list read as empty would make the hub write again).
      if (typeof res.data === 'string' && res.data.trim() !== '')
        throw new WooError(
          'bad_response',
          `the shop's answer to ${method.toUpperCase()} ${endpoint} was not valid JSON (cut off, or mangled by the host)`,
          res.status,
        )
      const total = headers['x-wp-total']
      return {
        data: res.data,
        status: res.status,
        headers,
        total: total !== undefined && total !== '' ? Number(total) : null,
      }
    } catch (err) {
      throw this.toWooError(err)
    }
  }

  /**
   * One request; on HTTPS with Basic auth, a 401 "cannot …" (WooCommerce saw no key at all) is
   * tried once more with query-string auth: if that works, the host strips the Authorization
   * header, and this client keeps using query-string auth.
   */
  private async send<T>(
    method: Method,
    endpoint: string,
    options: { params?: Record<string, unknown>; data?: unknown; namespace?: string },
  ): Promise<WooResponse<T>> {
    try {
      return await this.once<T>(method, endpoint, options)
    } catch (err) {
      if (
        err instanceof WooError &&
        this.isHttps &&
        !this.queryStringAuth &&
        err.status === 401 &&
        /^woocommerce_rest_cannot_/.test(err.code ?? '')
      ) {
        this.queryStringAuth = true
        try {
          const res = await this.once<T>(method, endpoint, options)
          this.headerStripped = true
          this.ctx.log.warn(
            'the host strips the Authorization header; using query-string auth (switch on query_string_auth)',
          )
          return res
        } catch (again) {
          this.queryStringAuth = false
          throw again
        }
      }
      throw err
    }
  }

  /** GET with retries for transient failures (5xx, 429, timeouts, resets), honouring Retry-After. */
  async get<T = unknown>(
    endpoint: string,
    params: Record<string, unknown> = {},
    namespace?: string,
  ): Promise<WooResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send<T>('get', endpoint, {
          params,
          ...(namespace ? { namespace } : {}),
        })
      } catch (err) {
        if (!(err instanceof WooError) || !err.transient || attempt >= READ_ATTEMPTS) throw err
        if (this.ctx.signal.aborted) throw err
        const backoff = Math.min(10_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
        const wait = Math.min(60_000, Math.max(backoff, err.retryAfterMs ?? 0))
        this.ctx.log.debug({ endpoint, attempt, wait }, `read retry: ${err.message}`)
        this.ctx.retried?.(`Reading ${endpoint}: ${retriedAfter(err.message, wait)}`)
        await this.sleep(wait, this.ctx.signal)
      }
    }
  }

  /** A write, sent once. The outbox decides about retrying; the caller checks the shop first. */
  async write<T = unknown>(
    method: 'post' | 'put' | 'delete',
    endpoint: string,
    data?: unknown,
    namespace?: string,
  ): Promise<WooResponse<T>> {
    return this.send<T>(method, endpoint, {
      ...(data !== undefined ? { data } : {}),
      ...(namespace ? { namespace } : {}),
    })
  }

  /**
   * The unauthenticated namespace index, `GET {shop}/wp-json/{version}`: tells whether this is a
   * WordPress site with the WooCommerce REST API. Raw result for test-connection to interpret.
   * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#index
   */
  async probeIndex(): Promise<
    | { kind: 'response'; status: number; json: unknown; contentType: string }
    | { kind: 'unreachable'; reason: string }
  > {
    const url = `${this.baseUrl}/wp-json/${this.version}`
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.any([
          this.ctx.signal,
          AbortSignal.timeout((this.settings.request_timeout_seconds ?? 30) * 1000),
        ]),
      })
      const text = await res.text()
      let json: unknown = null
      try {
        json = JSON.parse(text)
      } catch {
        json = null
      }
      return {
        kind: 'response',
        status: res.status,
        json,
        contentType: res.headers.get('content-type') ?? '',
      }
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      return {
        kind: 'unreachable',
        reason: cause?.code ?? cause?.message ?? (err as Error).message,
      }
    }
  }

  private toWooError(err: unknown): WooError {
    if (err instanceof WooError) return err
    const e = err as {
      code?: string
      message?: string
      response?: { status: number; data: unknown; headers: unknown }
    }
    if (e.code === 'ERR_CANCELED') return new WooError('network', 'the request was cancelled')
    if (!e.response) {
      if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? ''))
        return new WooError(
          'timeout',
          `the shop at ${this.baseUrl} did not answer within ${this.settings.request_timeout_seconds ?? 30} seconds`,
        )
      return new WooError(
        'network',
        `could not reach the shop at ${this.baseUrl} (${e.code ?? e.message ?? 'connection failed'})`,
      )
    }
    const { status, data } = e.response
    const headers = lowerHeaders(e.response.headers)
    const body = (typeof data === 'object' && data !== null ? data : {}) as {
      code?: string
      message?: string
    }
    const retryAfter = parseRetryAfter(headers['retry-after'])
    const shopMessage = typeof body.message === 'string' ? body.message : null
    let message: string
    if (status === 429)
      message = `the shop's host is limiting the hub's requests (HTTP 429${retryAfter ? `, retry after ${Math.ceil(retryAfter / 1000)} s` : ''})`
    else if (status >= 500)
      message = `the shop answered HTTP ${status} (a server error on the shop's side)${shopMessage ? `: ${shopMessage}` : ''}`
    else if (shopMessage)
      message = `WooCommerce answered ${status} ${body.code ?? ''}: ${shopMessage}`
    else message = `the shop answered HTTP ${status} without a WooCommerce error body`
    return new WooError('http', message, status, body.code ?? null, retryAfter, shopMessage)
  }
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!h || typeof h !== 'object') return out
  const source =
    typeof (h as { toJSON?: () => unknown }).toJSON === 'function'
      ? ((h as { toJSON: () => Record<string, unknown> }).toJSON() ?? {})
      : (h as Record<string, unknown>)
  for (const [k, v] of Object.entries(source)) if (v != null) out[k.toLowerCase()] = String(v)
  return out
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

/** Turn a failed write into the outbox's outcome. */
export function writeOutcome(
  err: unknown,
  what: string,
):
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'failed'; reason: string } {
  if (err instanceof WooError) {
    if (err.transient)
      return {
        status: 'retry',
        reason: `${what}: ${err.message}`,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      }
    // A rejected key can be fixed by a person; keep the write and try again later.
    if (err.isAuth)
      return { status: 'retry', reason: `${what}: ${err.message}`, retryAfterMs: 10 * 60_000 }
    return { status: 'failed', reason: `${what}: ${err.message}` }
  }
  return { status: 'retry', reason: `${what}: ${(err as Error)?.message ?? String(err)}` }
}

/** "WooCommerce had a temporary problem (503); tried again after 1.2 s." */
export function retriedAfter(reason: string, waitMs: number): string {
  return `${reason.replace(/[.;\s]+$/, '')}; tried again after ${(waitMs / 1000).toFixed(1)} s.`
}
