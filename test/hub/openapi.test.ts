import { compileErrors, validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../hub/src/api/app.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'

let hub: TestHub
beforeAll(async () => {
  hub = await startTestHub({ worker: false })
})
afterAll(async () => {
  await hub?.stop()
})

describe('OpenAPI document', () => {
  it('is served at /api/v1/openapi.json and validates as OpenAPI 3.1', async () => {
    const res = await hub.request('GET', '/api/v1/openapi.json', undefined, null)
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(res.body))
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true)
  })

  it('lists every route the API serves, and nothing it does not', async () => {
    const doc = (await hub.request('GET', '/api/v1/openapi.json', undefined, null)).body
    const documented = new Set<string>()
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, unknown>>,
    )) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`)
    }
    const app = createApp(hub.running.hub)
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*') && r.path !== '/')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    expect(
      [...served].filter((r) => !documented.has(r)),
      'served but not documented',
    ).toEqual([])
    expect(
      [...documented].filter((r) => !served.has(r)),
      'documented but not served',
    ).toEqual([])
  })

  it('has a readable docs page', async () => {
    const res = await fetch(`${hub.url}/api/v1/docs`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Dockhand hub API')
    expect(html).toContain('/api/v1/orders/{id}/ship')
  })
})

describe('the validator used above', () => {
  it('rejects a broken document (so the check above can fail)', async () => {
    const broken = {
      openapi: '3.1.0',
      info: { title: 'x' },
      paths: { '/x': { get: { responses: { 200: { content: 5 } } } } },
    }
    const result = await validate(broken as never)
    expect(result.valid).toBe(false)
  })
})
