import { describe, expect, it, vi } from 'vitest'
import { defaultSettings, wooCommerceSettingsSchema } from '../../shared/src/settings.ts'
import {
  attentionLabel,
  changedFromDefaults,
  connectPayload,
  formValues,
  getPath,
  lastRunPerProcess,
  listFromInput,
  moveRule,
  numberFromInput,
  previewRule,
  runProgress,
  setPath,
  settingsFields,
  textFromInput,
  validateConnect,
  validateRules,
  validateSettings,
} from '../../wp-plugin/src/form.ts'
import type { PluginState, Run } from '../../wp-plugin/src/types.ts'

vi.mock('@wordpress/i18n', () => import('./i18n-stub.ts'))

const KEY = `ck_${'a1'.repeat(20)}`
const SECRET = `cs_${'b2'.repeat(20)}`
const emptyState: PluginState = {
  hub_url: '',
  has_hub_token: false,
  consumer_key_hint: '',
  has_consumer_secret: false,
  connection_id: '',
  goods_owner_id: '',
  site_url: 'http://shop.test',
  keys_button: false,
  keys_button_reason: 'needs https',
  wc_rest_keys_url:
    'http://shop.test/wp-admin/admin.php?page=wc-settings&tab=advanced&section=keys',
}

function run(over: Partial<Run>): Run {
  return {
    id: 'run_1',
    connection_id: 'con_1',
    trigger: 'manual',
    processes: ['articles', 'orders'],
    full: false,
    status: 'succeeded',
    counts: {},
    progress: {},
    error: null,
    created_at: '2026-01-01T00:00:00.000Z',
    started_at: null,
    finished_at: null,
    ...over,
  }
}

describe('settings form', () => {
  it('has a field for every setting of the hub schema, nested processes included, with the hub defaults', () => {
    const fields = settingsFields()
    const paths = fields.map((f) => f.path)
    const defaults = defaultSettings('woocommerce') as Record<string, unknown>
    for (const key of Object.keys(wooCommerceSettingsSchema.shape)) {
      if (key === 'processes') {
        for (const p of Object.keys(defaults.processes as object))
          expect(paths).toContain(`processes.${p}`)
      } else expect(paths).toContain(key)
    }
    for (const f of fields) expect(f.default).toEqual(getPath(defaults, f.path))
    expect(fields.find((f) => f.path === 'tracking_via')).toMatchObject({
      kind: 'select',
      options: ['notes', 'shipment_tracking'],
    })
    expect(fields.find((f) => f.path === 'interval_minutes')).toMatchObject({
      kind: 'number',
      min: 1,
      max: 1440,
      step: 1,
    })
    expect(fields.find((f) => f.path === 'order_statuses')?.suggestions).toContain('processing')
    expect(fields.find((f) => f.path === 'status_after_import')).toMatchObject({
      kind: 'text',
      nullable: true,
    })
  })

  it('fills missing settings with the hub defaults and validates them with the hub schema', () => {
    const values = formValues({ interval_minutes: 30 })
    expect(values.interval_minutes).toBe(30)
    expect(values.tracking_via).toBe('notes')
    expect(validateSettings(values)).toMatchObject({ ok: true })
    expect(changedFromDefaults(values)).toEqual(['interval_minutes'])
  })

  it('reports errors per field path, as the hub would reject them', () => {
    let values = formValues({})
    values = setPath(values, 'interval_minutes', numberFromInput('0'))
    values = setPath(values, 'order_statuses', [])
    values = setPath(values, 'request_timeout_seconds', numberFromInput(''))
    const result = validateSettings(values)
    expect(result.ok).toBe(false)
    expect(Object.keys(result.errors).sort()).toEqual([
      'interval_minutes',
      'order_statuses',
      'request_timeout_seconds',
    ])
  })

  it('sets nested values without touching the original object', () => {
    const values = formValues({})
    const next = setPath(values, 'processes.stock', false)
    expect(getPath(next, 'processes.stock')).toBe(false)
    expect(getPath(values, 'processes.stock')).toBe(true)
    expect(getPath(next, 'processes.orders')).toBe(true)
  })

  it('turns inputs into what the schema expects: empty nullable text is null, lists are trimmed', () => {
    expect(textFromInput('  ', true)).toBeNull()
    expect(textFromInput('', false)).toBe('')
    expect(listFromInput(' processing, awaiting-pick ,,processing')).toEqual([
      'processing',
      'awaiting-pick',
    ])
    const values = setPath(formValues({}), 'status_after_import', textFromInput('', true))
    expect(validateSettings(values).ok).toBe(true)
  })
})

describe('connect form', () => {
  it('asks for everything on first connect', () => {
    const errors = validateConnect(
      { hub_url: 'hub', hub_token: '', consumer_key: '', consumer_secret: '', goods_owner_id: '' },
      emptyState,
    )
    expect(Object.keys(errors).sort()).toEqual([
      'consumer_key',
      'consumer_secret',
      'hub_token',
      'hub_url',
    ])
  })

  it('spots a secret pasted into the key field', () => {
    const errors = validateConnect(
      {
        hub_url: 'http://127.0.0.1:8787',
        hub_token: 't',
        consumer_key: SECRET,
        consumer_secret: SECRET,
        goods_owner_id: '',
      },
      emptyState,
    )
    expect(errors.consumer_key).toMatch(/consumer secret/)
    expect(errors.consumer_secret).toBeUndefined()
  })

  it('lets stored secrets stay stored: empty token and keys are fine once saved', () => {
    const saved = {
      ...emptyState,
      hub_url: 'http://127.0.0.1:8787',
      has_hub_token: true,
      consumer_key_hint: '…abcdefg',
      has_consumer_secret: true,
      connection_id: 'con_1',
    }
    const values = {
      hub_url: 'http://127.0.0.1:8787/',
      hub_token: '',
      consumer_key: '',
      consumer_secret: '',
      goods_owner_id: '',
    }
    expect(validateConnect(values, saved)).toEqual({})
    expect(connectPayload(values)).toEqual({ hub_url: 'http://127.0.0.1:8787' })
    expect(validateConnect({ ...values, consumer_key: KEY }, saved).consumer_secret).toMatch(
      /together/,
    )
  })

  it('sends trimmed values and never empty ones', () => {
    expect(
      connectPayload({
        hub_url: ' https://hub.example.com// ',
        hub_token: ' tok ',
        consumer_key: KEY,
        consumer_secret: ` ${SECRET}`,
        goods_owner_id: '',
      }),
    ).toEqual({
      hub_url: 'https://hub.example.com',
      hub_token: 'tok',
      consumer_key: KEY,
      consumer_secret: SECRET,
    })
  })
})

describe('runs', () => {
  it('shows the latest run of each process, newest first, with its counts', () => {
    const runs = [
      run({
        id: 'run_2',
        processes: ['orders'],
        counts: { orders: { imported: 3 } },
        finished_at: '2026-01-02T00:00:00.000Z',
      }),
      run({
        id: 'run_1',
        processes: ['articles', 'orders'],
        status: 'failed',
        error: 'The shop answered 401',
        counts: { articles: { created: 10 }, orders: { imported: 1 } },
        progress: { articles: { done: 10, total: 10, state: 'done' } },
      }),
    ]
    expect(lastRunPerProcess(runs)).toEqual([
      expect.objectContaining({ process: 'orders', runId: 'run_2', counts: { imported: 3 } }),
      expect.objectContaining({
        process: 'articles',
        runId: 'run_1',
        status: 'failed',
        error: 'The shop answered 401',
      }),
    ])
  })

  it('computes progress from the per-process state and totals', () => {
    const p = runProgress(
      run({
        status: 'running',
        progress: {
          articles: { done: 10, total: 10, state: 'done' },
          orders: { done: 5, total: 10, state: 'running' },
        },
      }),
    )
    expect(p.fraction).toBeCloseTo(0.75)
    expect(p.label).toBe('orders 5/10')
    expect(runProgress(run({ status: 'succeeded' })).fraction).toBe(1)
  })

  it('names attention codes in plain words', () => {
    expect(attentionLabel('unmapped_shipping_method')).toMatch(/Shipping method/)
    expect(attentionLabel('conflict_after_picking')).toMatch(/after picking/)
    expect(attentionLabel('something_new')).toBe('something new')
  })
})

describe('shipping rules', () => {
  const rules = [
    { pattern: 'DHL*', way_of_delivery: 'DHL-PARCEL' },
    { pattern: '*', way_of_delivery: 'POST' },
  ]
  it('previews which rule a method hits: first match wins, wildcards, any case', () => {
    expect(previewRule(rules, 'dhl express')?.way_of_delivery).toBe('DHL-PARCEL')
    expect(previewRule(rules, 'Local pickup')?.way_of_delivery).toBe('POST')
    expect(previewRule(moveRule(rules, 1, 0), 'DHL')?.way_of_delivery).toBe('POST')
    expect(previewRule([rules[0]!], 'UPS')).toBeNull()
  })
  it('flags incomplete rows', () => {
    expect(validateRules([...rules, { pattern: ' ', way_of_delivery: 'X' }])).toEqual({
      2: expect.stringMatching(/pattern/),
    })
  })
})
