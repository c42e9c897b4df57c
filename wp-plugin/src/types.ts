/** Shapes of the plugin's own REST routes (dockhand/v1), which proxy the hub's API. */
import type { WooCommerceSettings } from '../../shared/src/settings.ts'

/** What the page may know about the stored connection: never the hub token or consumer secret. */
export interface PluginState {
  hub_url: string
  has_hub_token: boolean
  consumer_key_hint: string
  has_consumer_secret: boolean
  connection_id: string
  goods_owner_id: string
  site_url: string
  keys_button: boolean
  keys_button_reason: string
  wc_rest_keys_url: string
}

export interface ConnectionView {
  id: string
  goods_owner_id: string
  platform: string
  name: string
  base_url: string
  settings: Partial<WooCommerceSettings> & Record<string, unknown>
  has_credentials: boolean
  status: 'active' | 'paused' | 'needs_attention'
  status_reason: string | null
  next_run_at: string | null
}

export interface ConnectionCheck {
  ok: boolean
  summary: string
  checks: Array<{ name: string; ok: boolean; detail: string }>
}

export interface ConnectResult {
  state: PluginState
  connection: ConnectionView
  test: ConnectionCheck
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled'

export interface Run {
  id: string
  run_id?: string
  connection_id: string
  trigger: string
  processes: string[]
  full: boolean
  status: RunStatus
  counts: Record<string, Record<string, number>>
  progress: Record<
    string,
    {
      done: number
      total: number | null
      state: 'pending' | 'running' | 'done' | 'failed' | 'skipped'
    }
  >
  error: string | null
  issues?: { errors: number; warnings: number }
  created_at: string
  started_at: string | null
  finished_at: string | null
}

export interface RunIssue {
  process: string
  level: 'error' | 'warning'
  code: string
  message: string
  platform_ref: string | null
  order_id: string | null
  created_at: string
}

export interface AttentionOrder {
  id: string
  order_number: string
  external_id: string
  status: string
  shipping_method: { code: string | null; name: string | null } | null
  attention: Array<{ code: string; message: string; blocking: boolean; at?: string }>
  edit_url: string
}

export interface ShippingRuleRow {
  pattern: string
  way_of_delivery: string
}

export interface Page<T> {
  data: T[]
  next_cursor?: string | null
}
