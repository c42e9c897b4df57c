/**
 * HTTP for one BigCommerce store: `X-Auth-Token`, the v2/v3 paths, rate-limit pacing from the
 * `X-Rate-Limit-*` headers (shared per store: the quota is the store's, not the token's), retries
 * for reads, and one place that turns BigCommerce's two error envelopes into plain reasons.
 *
 * - v2 errors: `[{"status":404,"message":"…","details":{…}}]`; v3: `{"status","title","errors":{…}}`.
 * - A 429 with headers is waited out (`X-Rate-Limit-Time-Reset-Ms`) and retried, for reads and
 *   writes alike: BigCommerce refused it before doing anything. A 429 without those headers is
 *   platform load: back off exponentially, a few times at most (no retry storm).
 * - Writes are never retried on 5xx or network errors here; the outbox retries them and the
 *   connector checks the shop first.
 * https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 * https://developer.bigcommerce.com/docs/start/about/status-codes
 */

import type { ConnectorContext } from '../../sync/connector.ts'
import { describeFetchError } from '../../util/network.ts'

export const DEFAULT_ORIGIN = 'https://api.bigcommerce.com'

export interface ClientOptions {
  /** Waits (tests inject a fake that advances a fake clock). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
  random?: () => number
  /** Requests kept in reserve before the quota is used up. */
  reserve?: number
  /** First back-off after a 429 without rate-limit headers. */
  bareRateLimitBackoffMs?: number
  timeoutMs?: number
}

export class BcError extends Error {
  constructor(
    /** HTTP status, or 0 for a network failure or timeout. */
    readonly status: number,
    /** Plain words for the shop owner. */
    readonly reason: string,
    /** Worth retrying later (5xx, 429, network). */
    readonly transient: boolean,
    readonly retryAfterMs?: number,
    /** v3 field errors (`items.3` → message), for writes that name failing items. */
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(reason)
    this.name = 'BcError'
  }
}

export interface BcResponse<T = unknown> {
  status: number
  body: T
  headers: Headers
}

interface RateState {
  left: number | null
  /** Epoch ms when the window refreshes. */
  resetAt: number
}

/** Rate state per store (all tokens of a store share its quota). */
const rateStates = new Map<string, RateState>()

const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(signal.reason)
      },
      { once: true },
    )
  })

type Query = Record<string, string | number | undefined | null>

export class BcClient {
  private readonly sleep: NonNullable<ClientOptions['sleep']>
  private readonly now: () => number
  private readonly random: () => number
  private readonly reserve: number
  private readonly bareBackoff: number
  private readonly timeoutMs: number
  private readonly rate: RateState
  readonly storeHash: string
  private readonly origin: string
  private readonly token: string
  private readonly signal: AbortSignal | undefined
  private readonly retried: ((reason: string) => void) | undefined

  constructor(
    ctx: Pick<ConnectorContext, 'connection' | 'credentials' | 'signal' | 'retried'>,
    options: ClientOptions = {},
  ) {
    this.sleep = options.sleep ?? realSleep
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.reserve = options.reserve ?? 2
    this.bareBackoff = options.bareRateLimitBackoffMs ?? 2000
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.origin = (ctx.connection.baseUrl || DEFAULT_ORIGIN).replace(/\/+$/, '')
    this.storeHash = ctx.connection.shopRef
    this.token = ctx.credentials.access_token ?? ''
    this.signal = ctx.signal
    this.retried = ctx.retried
    const key = `${this.origin}|${this.storeHash}`
    let state = rateStates.get(key)
    if (!state) {
      state = { left: null, resetAt: 0 }
      rateStates.set(key, state)
    }
    this.rate = state
  }

  url(version: 'v2' | 'v3', path: string, query: Query = {}): string {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null) q.set(k, String(v))
    const qs = q.toString()
    return `${this.origin}/stores/${this.storeHash}/${version}${path}${qs ? `?${qs}` : ''}`
  }

  /** GET with retries (429 honoured, 5xx and network errors backed off). 204 → body null. */
  async get<T = unknown>(
    version: 'v2' | 'v3',
    path: string,
    query: Query = {},
  ): Promise<BcResponse<T | null>> {
    const url = this.url(version, path, query)
    let bare = 0
    let other = 0
    let limited = 0
    for (;;) {
      try {
        return await this.send<T>('GET', version, url)
      } catch (err) {
        if (!(err instanceof BcError) || !err.transient) throw err
        let wait: number
        if (err.status === 429 && err.retryAfterMs !== undefined) {
          if (++limited > 8) throw err
          wait = err.retryAfterMs
        } else if (err.status === 429) {
          if (++bare > 4) throw err
          wait = this.backoff(this.bareBackoff, bare)
        } else {
          if (++other > 4) throw err
          wait = this.backoff(500, other)
        }
        this.retried?.(`Reading ${version}${path}: ${retriedAfter(err.message, wait)}`)
        await this.sleep(wait, this.signal)
        if (err.status === 429) this.rate.left = null
      }
    }
  }

  /**
   * A write. Retried only on a 429 that carries the reset header (BigCommerce refused it
   * unprocessed); any other failure is thrown for the outbox to retry after checking the shop.
   */
  async write<T = unknown>(
    method: 'POST' | 'PUT' | 'DELETE',
    version: 'v2' | 'v3',
    path: string,
    body?: unknown,
  ): Promise<BcResponse<T | null>> {
    const url = this.url(version, path)
    let limited = 0
    for (;;) {
      try {
        return await this.send<T>(method, version, url, body)
      } catch (err) {
        if (
          err instanceof BcError &&
          err.status === 429 &&
          err.retryAfterMs !== undefined &&
          ++limited <= 5
        ) {
          this.retried?.(
            `${method} ${version}${path}: ${retriedAfter(err.message, err.retryAfterMs)}`,
          )
          await this.sleep(err.retryAfterMs, this.signal)
          this.rate.left = null
          continue
        }
        throw err
      }
    }
  }

  /** All rows of a v2 list: pages until a 204 or a short page. */
  async listV2<T = unknown>(path: string, query: Query = {}, limit = 250): Promise<T[]> {
    const rows: T[] = []
    for (let page = 1; ; page++) {
      const res = await this.get<T[]>('v2', path, { ...query, limit, page })
      const batch = Array.isArray(res.body) ? res.body : []
      rows.push(...batch)
      if (res.status === 204 || batch.length < limit) return rows
    }
  }

  private backoff(base: number, n: number): number {
    const ms = Math.min(120_000, base * 2 ** (n - 1))
    return Math.floor(ms / 2 + (this.random() * ms) / 2)
  }

  /** Wait for the window to refresh when the store's quota is nearly used up. */
  private async pace(): Promise<void> {
    if (this.rate.left === null || this.rate.left > this.reserve) return
    const wait = this.rate.resetAt - this.now()
    if (wait > 0) await this.sleep(wait, this.signal)
    this.rate.left = null
  }

  private noteRate(headers: Headers): { left: number | null; resetMs: number | null } {
    const left = headers.get('x-rate-limit-requests-left')
    const reset = headers.get('x-rate-limit-time-reset-ms')
    const leftN = left !== null && left !== '' ? Number(left) : null
    const resetN = reset !== null && reset !== '' ? Number(reset) : null
    if (leftN !== null && Number.isFinite(leftN)) this.rate.left = leftN
    if (resetN !== null && Number.isFinite(resetN)) this.rate.resetAt = this.now() + resetN
    return {
      left: leftN !== null && Number.isFinite(leftN) ? leftN : null,
      resetMs: resetN !== null && Number.isFinite(resetN) ? resetN : null,
    }
  }

  private async send<T>(
    method: string,
    version: 'v2' | 'v3',
    url: string,
    body?: unknown,
  ): Promise<BcResponse<T | null>> {
    await this.pace()
    const headers: Record<string, string> = {
      'X-Auth-Token': this.token,
      Accept: 'application/json',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let res: Response
    try {
      const timeout = AbortSignal.timeout(this.timeoutMs)
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.signal ? AbortSignal.any([timeout, this.signal]) : timeout,
      })
    } catch (err) {
      if (this.signal?.aborted) throw err
      throw new BcError(0, `BigCommerce could not be reached (${describeNetwork(err)}).`, true)
    }
    const rate = this.noteRate(res.headers)
    const text = await res.text().catch(() => '')
    let parsed: unknown = null
    if (text) {
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = undefined
      }
    }
    if (res.ok) {
      if (parsed === undefined)
        throw new BcError(
          res.status,
          `BigCommerce answered ${res.status} with a body that is not JSON (cut off?).`,
          true,
        )
      return { status: res.status, body: (parsed ?? null) as T | null, headers: res.headers }
    }
    const detail = errorDetail(version, parsed)
    if (res.status === 429) {
      const retryAfterMs = rate.resetMs !== null ? Math.max(rate.resetMs, 50) : undefined
      throw new BcError(
        429,
        retryAfterMs !== undefined
          ? 'BigCommerce rate limit reached for this store; waiting for the quota to refresh.'
          : 'BigCommerce is under load and answered 429 without a reset time; backing off.',
        true,
        retryAfterMs,
      )
    }
    throw new BcError(
      res.status,
      plainReason(res.status, detail.message),
      res.status >= 500 || res.status === 408,
      undefined,
      detail.fields,
    )
  }
}

function describeNetwork(err: unknown): string {
  return describeFetchError(err, 'the request timed out')
}

/** Both envelopes → one message and the field errors (v3 `errors`, v2 `details.invalid_reason`). */
export function errorDetail(
  version: 'v2' | 'v3',
  body: unknown,
): { message: string | null; fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const collect = (o: unknown) => {
    if (o && typeof o === 'object' && !Array.isArray(o))
      for (const [k, v] of Object.entries(o as Record<string, unknown>))
        if (typeof v === 'string') fields[k] = v
  }
  if (Array.isArray(body)) {
    const first = body[0] as
      | { message?: unknown; details?: { invalid_reason?: unknown } }
      | undefined
    collect(first?.details?.invalid_reason)
    const message = typeof first?.message === 'string' ? first.message : null
    return { message, fields }
  }
  if (body && typeof body === 'object') {
    const b = body as { title?: unknown; message?: unknown; errors?: unknown }
    collect(b.errors)
    const message =
      typeof b.title === 'string' ? b.title : typeof b.message === 'string' ? b.message : null
    return { message, fields }
  }
  void version
  return { message: null, fields }
}

function plainReason(status: number, message: string | null): string {
  const said = message ? ` BigCommerce said: "${message}"` : ''
  switch (status) {
    case 401:
      return `BigCommerce rejected the access token (401); create a new store-level API account and paste its token.${said}`
    case 403:
      return `BigCommerce refused the request (403): the token lacks a scope this needs, or the store hash doesn't belong to it.${said}`
    case 404:
      return `BigCommerce has no such record (404).${said}`
    case 413:
      return `BigCommerce found the request too large (413).${said}`
    case 429:
      return 'BigCommerce rate limit reached.'
    default:
      if (status >= 500)
        return `BigCommerce had a temporary problem (${status}); it will be tried again.${said}`
      return `BigCommerce refused the request (${status}).${said}`
  }
}

/** "BigCommerce had a temporary problem (503); tried again after 1.2 s." */
function retriedAfter(reason: string, waitMs: number): string {
  const what = reason.replace(/[.;,\s]*(it will be tried again)?[.;\s]*$/i, '')
  return `${what}; tried again after ${(waitMs / 1000).toFixed(1)} s.`
}
