/**
 * Typed calls to the plugin's own REST routes. The admin UI never talks to the hub directly: the
 * PHP side adds the hub token, so the browser never holds it.
 */
import { __ } from '@wordpress/i18n'
import type {
  AttentionOrder,
  ConnectionCheck,
  ConnectionView,
  ConnectResult,
  Page,
  PluginState,
  Run,
  RunIssue,
  ShippingRuleRow,
} from './types.ts'

/** The subset of `wp.apiFetch` we use (it adds the REST root and the X-WP-Nonce header). */
export type ApiFetch = <T>(options: { path: string; method?: string; data?: unknown }) => Promise<T>

export const NAMESPACE = '/dockhand/v1'

export interface ConnectInput {
  hub_url: string
  hub_token?: string
  consumer_key?: string
  consumer_secret?: string
  goods_owner_id?: string
}

export function createApi(apiFetch: ApiFetch) {
  const get = <T>(path: string) => apiFetch<T>({ path: NAMESPACE + path })
  const send = <T>(method: string, path: string, data?: unknown) =>
    apiFetch<T>({ path: NAMESPACE + path, method, ...(data === undefined ? {} : { data }) })
  return {
    state: () => get<PluginState>('/state'),
    connect: (input: ConnectInput) => send<ConnectResult>('POST', '/connect', input),
    test: () => send<ConnectionCheck>('POST', '/test'),
    connection: () => get<ConnectionView>('/connection'),
    saveSettings: (settings: Record<string, unknown>) =>
      send<ConnectionView>('PATCH', '/connection', { settings }),
    setStatus: (status: 'active' | 'paused') =>
      send<ConnectionView>('PATCH', '/connection', { status }),
    syncNow: () => send<Run>('POST', '/sync'),
    runs: () => get<Page<Run>>('/runs'),
    run: (id: string) => get<Run>(`/runs/${encodeURIComponent(id)}`),
    runIssues: (id: string) =>
      get<{ data: RunIssue[]; total: number }>(`/runs/${encodeURIComponent(id)}/issues`),
    attention: () => get<{ data: AttentionOrder[] }>('/attention'),
    shippingRules: () => get<{ data: ShippingRuleRow[] }>('/shipping-rules'),
    saveShippingRules: (rules: ShippingRuleRow[]) =>
      send<{ data: ShippingRuleRow[] }>('PUT', '/shipping-rules', { rules }),
    startKeys: () => send<{ authorize_url: string }>('POST', '/wc-keys/start'),
  }
}

export type Api = ReturnType<typeof createApi>

/**
 * One readable message from whatever apiFetch rejected with: a WordPress REST error
 * ({ code, message, data: { errors } }) carrying the hub's words, or a network failure.
 */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; data?: { errors?: unknown } }
    const base =
      typeof e.message === 'string' && e.message
        ? e.message
        : __('Something went wrong.', 'dockhand-for-woocommerce')
    const errors = Array.isArray(e.data?.errors) ? e.data.errors : []
    const details = errors
      .map((x) => {
        const item = x as { path?: unknown; message?: unknown }
        if (typeof item.message !== 'string') return null
        const path = typeof item.path === 'string' ? item.path.replace(/^\/settings\//, '') : ''
        return path && path !== '/' ? `${path}: ${item.message}` : item.message
      })
      .filter((x): x is string => x !== null)
    return details.length ? `${base} ${details.join('; ')}` : base
  }
  if (typeof err === 'string') return err
  return __('Something went wrong.', 'dockhand-for-woocommerce')
}
