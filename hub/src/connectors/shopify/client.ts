/**
 * HTTP for the Shopify connector: the GraphQL Admin API (auth, cost-based pacing, THROTTLED
 * back-off, read retries, errors → plain reasons) and the OAuth code exchange. The only file that
 * reads `ctx.credentials`.
 * Docs: https://shopify.dev/docs/api/admin-graphql , https://shopify.dev/docs/api/usage/limits
 */

import type { ConnectorContext } from '../../sync/connector.ts'
import { describeFetchError } from '../../util/network.ts'
import { SHOPIFY_API_VERSION } from './version.ts'

/** Time and transport, injectable so tests run on the simulator's clock without real waits. */
export interface ShopifyRuntime {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  fetch: typeof fetch
  /** Per-shop view of the cost bucket, shared by every call of this connector instance. */
  buckets: Map<string, BucketState>
  /** Requests sent, by outcome (for tests and logs). */
  stats: { requests: number; throttled: number; retried: number }
}

export interface BucketState {
  available: number
  maximum: number
  restoreRate: number
  at: number
}

export function defaultRuntime(): ShopifyRuntime {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
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
      }),
    fetch: (input, init) => fetch(input, init),
    buckets: new Map(),
    stats: { requests: 0, throttled: 0, retried: 0 },
  }
}

export type ShopifyErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'throttled'
  | 'transient'
  | 'graphql'
  | 'bad_response'

/** A failed call, with a reason the shop owner can act on. Never carries the token. */
export class ShopifyError extends Error {
  constructor(
    readonly kind: ShopifyErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'ShopifyError'
  }
}

export interface UserError {
  field?: string[] | null
  message: string
  code?: string | null
}

interface GraphQLBody {
  data?: unknown
  errors?: Array<{ message: string; extensions?: { code?: string } }> | Record<string, unknown>
  extensions?: {
    cost?: {
      requestedQueryCost?: number
      actualQueryCost?: number | null
      throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }
    }
  }
}

const READ_ATTEMPTS = 4
const MAX_THROTTLE_WAITS = 20
const TIMEOUT_MS = 30_000

export function graphqlUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/$/, '')}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`
}

/** The app secret that signs this shop's webhooks, if the connection has one. */
export function webhookSigningSecret(ctx: ConnectorContext): string | null {
  return ctx.credentials.api_secret || null
}

export class ShopifyClient {
  /** Last requested cost per document, to pace the next call of the same document. */
  private static readonly estimates = new Map<string, number>()

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly rt: ShopifyRuntime,
  ) {}

  /**
   * Run one GraphQL document. Reads retry on transport errors and 5xx; mutations do not (the
   * outbox retries them after checking the shop). THROTTLED is retried for both: Shopify did not
   * execute a throttled request. Top-level `errors` throw; `userErrors` are the caller's to read.
   */
  async request<T>(
    document: string,
    variables: Record<string, unknown> = {},
    options: { write?: boolean } = {},
  ): Promise<T> {
    const write = options.write ?? /^\s*mutation\b/.test(document)
    let attempt = 0
    let throttleWaits = 0
    for (;;) {
      attempt++
      await this.pace(document, write)
      let res: Response
      let body: GraphQLBody
      try {
        this.rt.stats.requests++
        res = await this.rt.fetch(graphqlUrl(this.ctx.connection.baseUrl), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-shopify-access-token': this.ctx.credentials.access_token ?? '',
          },
          body: JSON.stringify({ query: document, variables }),
          signal: AbortSignal.any([this.ctx.signal, AbortSignal.timeout(TIMEOUT_MS)]),
        })
      } catch (err) {
        if (this.ctx.signal.aborted) throw err
        const reason = `Shopify could not be reached (${describeNetworkError(err)})`
        if (!write && attempt < READ_ATTEMPTS) {
          await this.backoff(attempt, reason)
          continue
        }
        throw new ShopifyError('transient', reason, true)
      }
      if (res.status === 429 || res.status >= 500) {
        const retryAfter = retryAfterMs(res.headers.get('retry-after'))
        await res.body?.cancel().catch(() => undefined)
        const reason =
          res.status === 429
            ? 'Shopify asked the hub to slow down (HTTP 429)'
            : `Shopify had a server error (HTTP ${res.status})`
        if (!write && attempt < READ_ATTEMPTS) {
          await this.backoff(attempt, reason, retryAfter)
          continue
        }
        throw new ShopifyError('transient', reason, true, retryAfter)
      }
      if (res.status !== 200) throw await httpError(res, this.ctx.connection.baseUrl)
      try {
        body = (await res.json()) as GraphQLBody
      } catch {
        if (!write && attempt < READ_ATTEMPTS) {
          await this.backoff(attempt, 'Shopify answered with a response that is not valid JSON')
          continue
        }
        throw new ShopifyError(
          'bad_response',
          'Shopify answered with a response that is not valid JSON',
          true,
        )
      }
      this.observe(document, body)
      const errors = Array.isArray(body.errors) ? body.errors : null
      if (errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
        // HTTP 200 with errors[].extensions.code THROTTLED and no data: wait for the bucket.
        this.rt.stats.throttled++
        const cost = body.extensions?.cost
        const status = cost?.throttleStatus
        const need = cost?.requestedQueryCost ?? 100
        const waitMs = status
          ? Math.max(250, ((need - status.currentlyAvailable) / status.restoreRate) * 1000)
          : 1000
        if (++throttleWaits > MAX_THROTTLE_WAITS)
          throw new ShopifyError(
            'throttled',
            'Shopify kept throttling the hub (GraphQL cost limit); the next run continues',
            true,
            waitMs,
          )
        await this.rt.sleep(Math.ceil(waitMs), this.ctx.signal)
        attempt--
        continue
      }
      if (errors?.length) {
        const first = errors[0]!
        const code = first.extensions?.code
        if (code === 'ACCESS_DENIED')
          throw new ShopifyError(
            'forbidden',
            `The app lacks a permission Shopify requires: ${first.message} Reinstall or re-approve the app with the missing access.`,
            false,
            undefined,
            code,
          )
        if (code === 'INTERNAL_SERVER_ERROR' && !write && attempt < READ_ATTEMPTS) {
          await this.backoff(attempt, `Shopify had an internal error (${first.message})`)
          continue
        }
        throw new ShopifyError(
          'graphql',
          `Shopify rejected the request: ${errors.map((e) => e.message).join('; ')}`,
          code === 'INTERNAL_SERVER_ERROR',
          undefined,
          code,
        )
      }
      if (body.errors && !Array.isArray(body.errors))
        throw new ShopifyError(
          'graphql',
          `Shopify rejected the request: ${JSON.stringify(body.errors)}`,
          false,
        )
      if (body.data === undefined || body.data === null)
        throw new ShopifyError('bad_response', 'Shopify answered without data', true)
      return body.data as T
    }
  }

  /** Wait until the bucket (as last reported, restored since) holds this document's cost. */
  private async pace(document: string, write: boolean) {
    const state = this.rt.buckets.get(this.ctx.connection.baseUrl)
    if (!state) return
    // Unknown document: assume the single-query ceiling, so a first call is never throttled.
    const need = ShopifyClient.estimates.get(document) ?? (write ? 10 : 1000)
    const now = this.rt.now()
    const available = Math.min(
      state.maximum,
      state.available + ((now - state.at) / 1000) * state.restoreRate,
    )
    if (available >= need) return
    const waitMs = Math.ceil(((need - available) / state.restoreRate) * 1000) + 10
    await this.rt.sleep(waitMs, this.ctx.signal)
  }

  private observe(document: string, body: GraphQLBody) {
    const cost = body.extensions?.cost
    if (!cost) return
    if (typeof cost.requestedQueryCost === 'number')
      ShopifyClient.estimates.set(document, cost.requestedQueryCost)
    const s = cost.throttleStatus
    if (s)
      this.rt.buckets.set(this.ctx.connection.baseUrl, {
        available: s.currentlyAvailable,
        maximum: s.maximumAvailable,
        restoreRate: s.restoreRate,
        at: this.rt.now(),
      })
  }

  private async backoff(attempt: number, reason: string, retryAfter?: number) {
    this.rt.stats.retried++
    const ms = retryAfter ?? Math.min(8_000, 500 * 2 ** (attempt - 1))
    this.ctx.retried?.(
      `${reason.replace(/[.;\s]+$/, '')}; the read was tried again after ${(ms / 1000).toFixed(1)} s.`,
    )
    await this.rt.sleep(ms, this.ctx.signal)
  }
}

/** Throw when a mutation payload carries userErrors; callers that branch on codes read them first. */
export function userErrorReason(errors: UserError[] | null | undefined): string | null {
  if (!errors?.length) return null
  return errors
    .map((e) => (e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message))
    .join('; ')
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const s = Number(header)
  if (Number.isFinite(s)) return Math.max(0, Math.round(s * 1000))
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function describeNetworkError(err: unknown): string {
  return describeFetchError(err, 'no answer within 30 seconds')
}

async function httpError(res: Response, baseUrl: string): Promise<ShopifyError> {
  const text = await res.text().catch(() => '')
  let detail = text.slice(0, 300)
  try {
    const j = JSON.parse(text) as { errors?: unknown }
    if (j.errors) detail = typeof j.errors === 'string' ? j.errors : JSON.stringify(j.errors)
  } catch {}
  switch (res.status) {
    case 401:
      return new ShopifyError(
        'auth',
        'Shopify refused the access token (revoked, or the app was uninstalled). Reinstall the app or paste a new Admin API access token.',
        false,
      )
    case 402:
      return new ShopifyError(
        'forbidden',
        'The shop is frozen or unpaid (Shopify answered 402); nothing can sync until the plan is paid.',
        false,
      )
    case 403:
      return new ShopifyError(
        'forbidden',
        `The access token lacks a permission Shopify requires (${detail}). Re-approve the app with the missing access.`,
        false,
      )
    case 404:
      return new ShopifyError(
        'not_found',
        `Shopify has no Admin API at ${baseUrl} (HTTP 404); check the shop address (it must be the {name}.myshopify.com domain).`,
        false,
      )
    case 423:
      return new ShopifyError(
        'forbidden',
        'The shop is locked (Shopify answered 423); contact Shopify support.',
        false,
      )
    default:
      return new ShopifyError(
        'graphql',
        `Shopify answered HTTP ${res.status}: ${detail || res.statusText}`,
        false,
      )
  }
}

/**
 * Exchange an OAuth authorization code for an offline access token.
 * Docs: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 */
export async function exchangeOAuthCode(
  input: { baseUrl: string; apiKey: string; apiSecret: string; code: string },
  fetchImpl: typeof fetch = fetch,
): Promise<{ accessToken: string; scopes: string[] }> {
  const res = await fetchImpl(`${input.baseUrl.replace(/\/$/, '')}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      client_id: input.apiKey,
      client_secret: input.apiSecret,
      code: input.code,
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string
    scope?: string
    error_description?: string
  }
  if (!res.ok || !body.access_token)
    throw new ShopifyError(
      'auth',
      `Shopify did not issue an access token (${body.error_description ?? `HTTP ${res.status}`}); start the install again from Shopify.`,
      false,
    )
  return {
    accessToken: body.access_token,
    scopes: (body.scope ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }
}

/** Read-only token use outside a connection (the install landing page lists locations). */
export function contextForToken(
  baseUrl: string,
  accessToken: string,
  signal: AbortSignal,
  log: ConnectorContext['log'],
): ConnectorContext {
  return {
    connection: {
      id: 'install',
      name: 'install',
      platform: 'shopify',
      goodsOwnerId: '',
      baseUrl,
      shopRef: '',
    },
    settings: {},
    credentials: { access_token: accessToken },
    webhookSecret: '',
    webhookUrl: null,
    log,
    signal,
    now: () => new Date(),
  }
}
