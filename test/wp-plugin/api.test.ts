import { describe, expect, it, vi } from 'vitest'
import { type ApiFetch, createApi, errorMessage } from '../../wp-plugin/src/api.ts'

vi.mock('@wordpress/i18n', () => import('./i18n-stub.ts'))

function recorder(reply: unknown = {}) {
  const calls: Array<{ path: string; method?: string; data?: unknown }> = []
  const apiFetch: ApiFetch = async <T>(options: {
    path: string
    method?: string
    data?: unknown
  }) => {
    calls.push(options)
    return reply as T
  }
  return { calls, api: createApi(apiFetch) }
}

describe('admin UI API calls', () => {
  it('talks only to the plugin namespace, never to the hub', async () => {
    const { calls, api } = recorder({ data: [] })
    await api.state()
    await api.connection()
    await api.runs()
    await api.run('run_1/x')
    await api.runIssues('run_1')
    await api.attention()
    await api.shippingRules()
    expect(calls.map((c) => c.path)).toEqual([
      '/dockhand/v1/state',
      '/dockhand/v1/connection',
      '/dockhand/v1/runs',
      '/dockhand/v1/runs/run_1%2Fx',
      '/dockhand/v1/runs/run_1/issues',
      '/dockhand/v1/attention',
      '/dockhand/v1/shipping-rules',
    ])
    expect(calls.every((c) => c.method === undefined)).toBe(true)
  })

  it('sends writes with the right method and body', async () => {
    const { calls, api } = recorder()
    await api.connect({ hub_url: 'http://127.0.0.1:8787', hub_token: 't' })
    await api.saveSettings({ interval_minutes: 5 })
    await api.setStatus('paused')
    await api.syncNow()
    await api.test()
    await api.saveShippingRules([{ pattern: 'DHL*', way_of_delivery: 'DHL' }])
    await api.startKeys()
    expect(calls).toEqual([
      {
        path: '/dockhand/v1/connect',
        method: 'POST',
        data: { hub_url: 'http://127.0.0.1:8787', hub_token: 't' },
      },
      {
        path: '/dockhand/v1/connection',
        method: 'PATCH',
        data: { settings: { interval_minutes: 5 } },
      },
      { path: '/dockhand/v1/connection', method: 'PATCH', data: { status: 'paused' } },
      { path: '/dockhand/v1/sync', method: 'POST' },
      { path: '/dockhand/v1/test', method: 'POST' },
      {
        path: '/dockhand/v1/shipping-rules',
        method: 'PUT',
        data: { rules: [{ pattern: 'DHL*', way_of_delivery: 'DHL' }] },
      },
      { path: '/dockhand/v1/wc-keys/start', method: 'POST' },
    ])
  })

  it('shows the hub error with its field list rather than swallowing it', async () => {
    const hubError = {
      code: 'dockhand_hub_rejected',
      message: 'The hub says: The woocommerce settings are not valid.',
      data: {
        status: 400,
        errors: [
          { path: '/settings/interval_minutes', message: 'Too small: expected number to be >=1' },
        ],
      },
    }
    const api = createApi(async () => {
      throw hubError
    })
    const err = await api.saveSettings({ interval_minutes: 0 }).catch((e: unknown) => e)
    expect(errorMessage(err)).toBe(
      'The hub says: The woocommerce settings are not valid. interval_minutes: Too small: expected number to be >=1',
    )
  })

  it('gives the plain reason when the hub is unreachable, and a fallback for odd rejections', () => {
    expect(
      errorMessage({
        code: 'dockhand_hub_unreachable',
        message: "Dockhand can't reach the hub at http://127.0.0.1:9: connection refused.",
        data: { status: 502 },
      }),
    ).toMatch(/connection refused/)
    expect(errorMessage(undefined)).toBe('Something went wrong.')
    expect(errorMessage('offline')).toBe('offline')
  })
})
