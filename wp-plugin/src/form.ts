/**
 * The admin UI's form logic, kept free of React so it can be unit-tested: the settings fields are
 * derived from the hub's own zod schema (shared/src/settings.ts), so every setting the hub knows
 * is on the form, validated with the same rules and shown with the hub's defaults.
 */
import { __ } from '@wordpress/i18n'
import { z } from 'zod'
import { WOOCOMMERCE_ORDER_STATUSES } from '../../shared/src/platforms.ts'
import { defaultSettings, wooCommerceSettingsSchema } from '../../shared/src/settings.ts'
import { matchShippingRule } from '../../shared/src/shipping-rules.ts'
import type { ConnectInput } from './api.ts'
import type { PluginState, Run, ShippingRuleRow } from './types.ts'

export type SettingsValues = Record<string, unknown>

export type FieldKind = 'toggle' | 'select' | 'number' | 'text' | 'list'

export interface Field {
  /** Dotted path in the settings object, e.g. "processes.stock". */
  path: string
  kind: FieldKind
  label: string
  help?: string
  options?: string[]
  min?: number
  max?: number
  step?: number
  nullable?: boolean
  /** Suggested values for list fields (checkboxes); other values are typed in. */
  suggestions?: readonly string[]
  default: unknown
  group: GroupId
}

/**
 * Plain labels and help for the hub's WooCommerce settings; unknown keys get a readable fallback.
 * A function, not a constant, so the strings are translated when the form is built, after
 * WordPress has loaded the locale data (wp_set_script_translations).
 */
function labels(): Record<string, { label: string; help?: string; group?: GroupId }> {
  return {
    'processes.articles': {
      label: __('Import products as warehouse articles', 'dockhand-for-woocommerce'),
      group: 'processes',
    },
    'processes.orders': {
      label: __('Send orders to the warehouse', 'dockhand-for-woocommerce'),
      group: 'processes',
    },
    'processes.fulfilments': {
      label: __('Write shipments and tracking back', 'dockhand-for-woocommerce'),
      group: 'processes',
    },
    'processes.stock': {
      label: __('Update stock from the warehouse', 'dockhand-for-woocommerce'),
      group: 'processes',
    },
    'processes.returns': {
      label: __('Refund returns in WooCommerce', 'dockhand-for-woocommerce'),
      group: 'processes',
    },
    interval_minutes: {
      label: __('Minutes between runs', 'dockhand-for-woocommerce'),
      group: 'schedule',
    },
    webhooks: {
      label: __('Use WooCommerce webhooks for faster updates', 'dockhand-for-woocommerce'),
      help: __(
        'Polling stays on as a safety net. Needs the hub to be reachable from this shop.',
        'dockhand-for-woocommerce',
      ),
      group: 'schedule',
    },
    request_timeout_seconds: {
      label: __('Seconds before a request to the shop gives up', 'dockhand-for-woocommerce'),
      group: 'schedule',
    },
    article_import: {
      label: __('Article import', 'dockhand-for-woocommerce'),
      help: __(
        '"automatic" imports every product; "manual" lists them on the hub for selection.',
        'dockhand-for-woocommerce',
      ),
      group: 'products',
    },
    product_status: {
      label: __('Product status that makes a product an article', 'dockhand-for-woocommerce'),
      group: 'products',
    },
    virtual_products_as_stock_articles: {
      label: __('Virtual products become stock articles', 'dockhand-for-woocommerce'),
      group: 'products',
    },
    sync_categories: {
      label: __('Synchronise product categories', 'dockhand-for-woocommerce'),
      group: 'products',
    },
    key_by_product_code_when_sku_missing: {
      label: __(
        'Use the product id when a SKU is missing or not unique',
        'dockhand-for-woocommerce',
      ),
      group: 'products',
    },
    order_statuses: {
      label: __('Order statuses sent to the warehouse', 'dockhand-for-woocommerce'),
      group: 'orders',
    },
    status_after_import: {
      label: __(
        'Status to set after import (empty: leave the status alone)',
        'dockhand-for-woocommerce',
      ),
      help: __(
        'A custom status slug, e.g. from an order-status plugin.',
        'dockhand-for-woocommerce',
      ),
      group: 'orders',
    },
    notify_by_email: {
      label: __('Carrier may notify the customer by e-mail', 'dockhand-for-woocommerce'),
      group: 'orders',
    },
    notify_by_sms: {
      label: __('Carrier may notify the customer by SMS', 'dockhand-for-woocommerce'),
      group: 'orders',
    },
    complete_orders: {
      label: __('Complete orders when shipped', 'dockhand-for-woocommerce'),
      group: 'shipping',
    },
    complete_when: { label: __('Complete when', 'dockhand-for-woocommerce'), group: 'shipping' },
    send_tracking: {
      label: __('Send tracking numbers and links', 'dockhand-for-woocommerce'),
      group: 'shipping',
    },
    tracking_via: {
      label: __('Send tracking via', 'dockhand-for-woocommerce'),
      help: __(
        '"shipment_tracking" needs the WooCommerce Shipment Tracking extension; "notes" adds an order note.',
        'dockhand-for-woocommerce',
      ),
      group: 'shipping',
    },
    tracking_note_customer_visible: {
      label: __('Tracking notes are visible to the customer', 'dockhand-for-woocommerce'),
      group: 'shipping',
    },
    stock_reconcile_hour_utc: {
      label: __('Hour of the daily stock check (UTC)', 'dockhand-for-woocommerce'),
      group: 'stock',
    },
    stock_zero_guard_share: {
      label: __(
        'Hold a stock update that would zero more than this share of products (0–1)',
        'dockhand-for-woocommerce',
      ),
      group: 'stock',
    },
    refund_restock: {
      label: __('Refunds put items back in stock', 'dockhand-for-woocommerce'),
      group: 'stock',
    },
    oauth_signature_method: {
      label: __('OAuth signature (plain-HTTP shops)', 'dockhand-for-woocommerce'),
      group: 'advanced',
    },
    query_string_auth: {
      label: __(
        'Send keys in the query string (hosts that strip the Authorization header)',
        'dockhand-for-woocommerce',
      ),
      group: 'advanced',
    },
    api_version: {
      label: __('WooCommerce REST API version', 'dockhand-for-woocommerce'),
      group: 'advanced',
    },
  }
}

/** Settings groups in display order; ids are stable, titles are translated by groupTitle(). */
export const GROUPS = [
  'processes',
  'schedule',
  'products',
  'orders',
  'shipping',
  'stock',
  'advanced',
] as const
export type GroupId = (typeof GROUPS)[number]

export function groupTitle(group: GroupId): string {
  const titles: Record<GroupId, string> = {
    processes: __('Processes', 'dockhand-for-woocommerce'),
    schedule: __('Schedule', 'dockhand-for-woocommerce'),
    products: __('Products', 'dockhand-for-woocommerce'),
    orders: __('Orders', 'dockhand-for-woocommerce'),
    shipping: __('Shipping and tracking', 'dockhand-for-woocommerce'),
    stock: __('Stock', 'dockhand-for-woocommerce'),
    advanced: __('Advanced', 'dockhand-for-woocommerce'),
  }
  return titles[group]
}

interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  default?: unknown
  minimum?: number
  maximum?: number
  properties?: Record<string, JsonSchema>
  anyOf?: JsonSchema[]
  items?: JsonSchema
}

function humanize(path: string): string {
  const last = path.split('.').pop() ?? path
  const text = last.replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Every field of the hub's WooCommerce settings, in the order the schema declares them. */
export function settingsFields(): Field[] {
  const json = z.toJSONSchema(wooCommerceSettingsSchema, { io: 'input' }) as JsonSchema
  const defaults = defaultSettings('woocommerce') as SettingsValues
  const meta = labels()
  const fields: Field[] = []
  const visit = (props: Record<string, JsonSchema>, prefix: string) => {
    for (const [key, raw] of Object.entries(props)) {
      const path = prefix + key
      const nullable = Array.isArray(raw.anyOf) && raw.anyOf.some((s) => s.type === 'null')
      const node = nullable ? (raw.anyOf?.find((s) => s.type !== 'null') ?? raw) : raw
      if (node.type === 'object' && node.properties) {
        visit(node.properties, `${path}.`)
        continue
      }
      const known = meta[path]
      const base = {
        path,
        label: known?.label ?? humanize(path),
        help: known?.help,
        default: getPath(defaults, path),
        group: known?.group ?? 'advanced',
      }
      if (node.enum) {
        fields.push({ ...base, kind: 'select', options: node.enum.map(String) })
      } else if (node.type === 'boolean') {
        fields.push({ ...base, kind: 'toggle' })
      } else if (node.type === 'integer' || node.type === 'number') {
        fields.push({
          ...base,
          kind: 'number',
          min: node.minimum,
          max: node.maximum,
          step: node.type === 'integer' ? 1 : 0.01,
        })
      } else if (node.type === 'array') {
        fields.push({
          ...base,
          kind: 'list',
          suggestions: path === 'order_statuses' ? WOOCOMMERCE_ORDER_STATUSES : [],
        })
      } else {
        fields.push({ ...base, kind: 'text', nullable })
      }
    }
  }
  visit(json.properties ?? {}, '')
  return fields
}

export function getPath(obj: SettingsValues, path: string): unknown {
  let cur: unknown = obj
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

/** A copy of `obj` with `path` set to `value` (nested objects copied, never mutated). */
export function setPath(obj: SettingsValues, path: string, value: unknown): SettingsValues {
  const [head, ...rest] = path.split('.') as [string, ...string[]]
  if (rest.length === 0) return { ...obj, [head]: value }
  const child = obj[head]
  return {
    ...obj,
    [head]: setPath(
      child && typeof child === 'object' ? (child as SettingsValues) : {},
      rest.join('.'),
      value,
    ),
  }
}

/** The connection's settings with the hub's defaults filled in, ready for the form. */
export function formValues(settings: SettingsValues | undefined): SettingsValues {
  const parsed = wooCommerceSettingsSchema.safeParse(settings ?? {})
  if (parsed.success) return parsed.data as SettingsValues
  // Keep what the hub has even if this (older or newer) schema disagrees; validation will say why.
  return { ...(defaultSettings('woocommerce') as SettingsValues), ...(settings ?? {}) }
}

/** What a number input holds, as the schema should see it: empty is not a number. */
export function numberFromInput(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text)
}

/** What a text input holds for a nullable field: empty means "not set". */
export function textFromInput(text: string, nullable: boolean | undefined): string | null {
  return nullable && text.trim() === '' ? null : text
}

/** "processing, custom-status" → ['processing', 'custom-status']; de-duplicated, trimmed. */
export function listFromInput(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

export type Validation =
  | { ok: true; settings: SettingsValues; errors: Record<string, never> }
  | { ok: false; errors: Record<string, string> }

/** Validates with the hub's schema; errors are keyed by dotted field path. */
export function validateSettings(values: SettingsValues): Validation {
  const parsed = wooCommerceSettingsSchema.safeParse(values)
  if (parsed.success) return { ok: true, settings: parsed.data as SettingsValues, errors: {} }
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path.filter((p) => typeof p !== 'number').join('.')
    errors[key] ??= issue.message
  }
  return { ok: false, errors }
}

/** The fields whose value differs from the hub's default (shown as "changed"). */
export function changedFromDefaults(values: SettingsValues): string[] {
  const defaults = defaultSettings('woocommerce') as SettingsValues
  return settingsFields()
    .filter(
      (f) => JSON.stringify(getPath(values, f.path)) !== JSON.stringify(getPath(defaults, f.path)),
    )
    .map((f) => f.path)
}

export function formatDefault(value: unknown): string {
  if (value === null || value === undefined) return __('not set', 'dockhand-for-woocommerce')
  if (typeof value === 'boolean')
    return value ? __('on', 'dockhand-for-woocommerce') : __('off', 'dockhand-for-woocommerce')
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

// ---- Connect form ----

export interface ConnectValues {
  hub_url: string
  hub_token: string
  consumer_key: string
  consumer_secret: string
  goods_owner_id: string
}

const KEY_RE = /^ck_[0-9a-f]{40}$/i
const SECRET_RE = /^cs_[0-9a-f]{40}$/i

/**
 * Checks the connect form before anything leaves the browser. Stored secrets may be left empty:
 * they are kept on the server and never shown again.
 */
export function validateConnect(values: ConnectValues, state: PluginState): Record<string, string> {
  const errors: Record<string, string> = {}
  const url = values.hub_url.trim()
  let parsed: URL | null = null
  try {
    parsed = new URL(url)
  } catch {
    parsed = null
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    errors.hub_url = __(
      'Paste the hub URL, e.g. https://hub.example.com or http://127.0.0.1:8787.',
      'dockhand-for-woocommerce',
    )
  if (!values.hub_token.trim() && !state.has_hub_token)
    errors.hub_token = __('Paste a hub token.', 'dockhand-for-woocommerce')
  const key = values.consumer_key.trim()
  const secret = values.consumer_secret.trim()
  if (key && !KEY_RE.test(key))
    errors.consumer_key = key.startsWith('cs_')
      ? __('This is the consumer secret; the key starts with "ck_".', 'dockhand-for-woocommerce')
      : __('A consumer key is "ck_" followed by 40 letters and digits.', 'dockhand-for-woocommerce')
  if (secret && !SECRET_RE.test(secret))
    errors.consumer_secret = __(
      'A consumer secret is "cs_" followed by 40 letters and digits.',
      'dockhand-for-woocommerce',
    )
  const hasKeys = state.consumer_key_hint !== '' && state.has_consumer_secret
  if (!hasKeys && !state.connection_id) {
    if (!key)
      errors.consumer_key ??= __(
        'Paste the consumer key, or create keys with the button.',
        'dockhand-for-woocommerce',
      )
    if (!secret)
      errors.consumer_secret ??= __('Paste the consumer secret.', 'dockhand-for-woocommerce')
  } else if (Boolean(key) !== Boolean(secret)) {
    errors[key ? 'consumer_secret' : 'consumer_key'] = __(
      'Paste the key and the secret together.',
      'dockhand-for-woocommerce',
    )
  }
  return errors
}

/** The request body: trimmed, and without empty fields so stored secrets are kept. */
export function connectPayload(values: ConnectValues): ConnectInput {
  const out: ConnectInput = { hub_url: values.hub_url.trim().replace(/\/+$/, '') }
  for (const key of ['hub_token', 'consumer_key', 'consumer_secret', 'goods_owner_id'] as const) {
    const v = values[key].trim()
    if (v) out[key] = v
  }
  return out
}

// ---- Runs ----

export const FINISHED: ReadonlySet<string> = new Set([
  'succeeded',
  'partial',
  'failed',
  'cancelled',
])

/** A run or process status in words ("succeeded", "partial"…); unknown ones as they come. */
export function statusLabel(status: string): string {
  const words: Record<string, string> = {
    queued: __('queued', 'dockhand-for-woocommerce'),
    running: __('running', 'dockhand-for-woocommerce'),
    succeeded: __('succeeded', 'dockhand-for-woocommerce'),
    partial: __('partial', 'dockhand-for-woocommerce'),
    failed: __('failed', 'dockhand-for-woocommerce'),
    cancelled: __('cancelled', 'dockhand-for-woocommerce'),
    skipped: __('skipped', 'dockhand-for-woocommerce'),
  }
  return words[status] ?? status
}

/** A sync process in words ("orders", "stock"…); unknown ones as they come. */
export function processLabel(process: string): string {
  const words: Record<string, string> = {
    articles: __('articles', 'dockhand-for-woocommerce'),
    orders: __('orders', 'dockhand-for-woocommerce'),
    fulfilments: __('fulfilments', 'dockhand-for-woocommerce'),
    stock: __('stock', 'dockhand-for-woocommerce'),
    returns: __('returns', 'dockhand-for-woocommerce'),
  }
  return words[process] ?? process.replace(/_/g, ' ')
}

export function isFinished(run: Pick<Run, 'status'>): boolean {
  return FINISHED.has(run.status)
}

/** Overall progress of a run: processes done, and records done of known totals. */
export function runProgress(run: Run): { fraction: number; label: string } {
  const entries = Object.entries(run.progress ?? {})
  if (isFinished(run)) return { fraction: 1, label: statusLabel(run.status) }
  if (!entries.length) return { fraction: 0, label: statusLabel(run.status) }
  let sum = 0
  const parts: string[] = []
  for (const [process, p] of entries) {
    if (p.state === 'done' || p.state === 'skipped' || p.state === 'failed') sum += 1
    else if (p.total && p.total > 0) sum += Math.min(1, p.done / p.total)
    if (p.state === 'running')
      parts.push(`${processLabel(process)} ${p.done}${p.total ? `/${p.total}` : ''}`)
  }
  return {
    fraction: sum / entries.length,
    label: parts.length ? parts.join(', ') : statusLabel(run.status),
  }
}

export interface ProcessSummary {
  process: string
  runId: string
  status: string
  counts: Record<string, number>
  error: string | null
  at: string | null
}

/** For each process, its most recent run (runs come newest first). */
export function lastRunPerProcess(runs: Run[]): ProcessSummary[] {
  const seen = new Map<string, ProcessSummary>()
  for (const run of runs) {
    for (const process of run.processes) {
      if (seen.has(process)) continue
      const state = run.progress?.[process]?.state
      seen.set(process, {
        process,
        runId: run.id,
        status: state === 'failed' ? 'failed' : state === 'skipped' ? 'skipped' : run.status,
        counts: run.counts?.[process] ?? {},
        error: run.error,
        at: run.finished_at ?? run.started_at ?? run.created_at,
      })
    }
  }
  return [...seen.values()]
}

export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => typeof n === 'number')
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
  return parts.length ? parts.join(', ') : __('nothing to do', 'dockhand-for-woocommerce')
}

// ---- Orders that need attention ----

function attentionLabels(): Record<string, string> {
  return {
    unmapped_shipping_method: __(
      'Shipping method has no warehouse way of delivery',
      'dockhand-for-woocommerce',
    ),
    missing_sku: __('A line has no SKU', 'dockhand-for-woocommerce'),
    unknown_article: __('A SKU is not a warehouse article', 'dockhand-for-woocommerce'),
    missing_address: __('The shipping address is incomplete', 'dockhand-for-woocommerce'),
    invalid_quantity: __('A line has an invalid quantity', 'dockhand-for-woocommerce'),
    no_lines: __('Nothing to ship', 'dockhand-for-woocommerce'),
    conflict_after_picking: __(
      'Changed in the shop after picking started',
      'dockhand-for-woocommerce',
    ),
    cancelled_after_picking: __(
      'Cancelled in the shop after picking started',
      'dockhand-for-woocommerce',
    ),
  }
}

export function attentionLabel(code: string): string {
  return attentionLabels()[code] ?? code.replace(/_/g, ' ')
}

// ---- Shipping rules ----

export function validateRules(rules: ShippingRuleRow[]): Record<number, string> {
  const errors: Record<number, string> = {}
  rules.forEach((rule, i) => {
    if (!rule.pattern.trim())
      errors[i] = __('Type a shipping method or a pattern like "DHL*".', 'dockhand-for-woocommerce')
    else if (!rule.way_of_delivery.trim())
      errors[i] = __('Type the warehouse way of delivery.', 'dockhand-for-woocommerce')
    else if (rule.pattern.length > 200 || rule.way_of_delivery.length > 200)
      errors[i] = __('At most 200 characters.', 'dockhand-for-woocommerce')
  })
  return errors
}

/** Which rule a shipping method would hit (first match wins), for the "try it" box. */
export function previewRule(rules: ShippingRuleRow[], method: string): ShippingRuleRow | null {
  return matchShippingRule(
    rules.filter((r) => r.pattern.trim() && r.way_of_delivery.trim()),
    [method],
  )
}

export function moveRule(rules: ShippingRuleRow[], from: number, to: number): ShippingRuleRow[] {
  if (to < 0 || to >= rules.length) return rules
  const next = [...rules]
  const [item] = next.splice(from, 1)
  if (item) next.splice(to, 0, item)
  return next
}
