/**
 * The OpenAPI 3.1 document for /api/v1, built from the same zod schemas the routes validate with.
 * A test checks that it validates and that it lists every route the app serves.
 */
import { z } from 'zod'
import { settingsSchemas } from '../../../shared/src/settings.ts'
import { createConnectionSchema } from '../domain/connections.ts'
import { ownerCreateSchema, ownerUpdateSchema, tokenCreateSchema } from './routes/admin.ts'
import {
  connectionUpdateSchema,
  productImportSchema,
  syncRequestSchema,
} from './routes/connections.ts'
import {
  articleSchema,
  reasonSchema,
  returnSchema,
  rulesSchema,
  shipSchema,
  stockSchema,
} from './routes/warehouse.ts'

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete'
interface RouteDoc {
  method: Method
  path: string
  summary: string
  tag: string
  body?: z.ZodType
  auth?: boolean
  params?: Array<{ name: string; description: string; required?: boolean }>
  ok?: number
  description?: string
}

const page = [
  { name: 'limit', description: 'Items per page (1–500, default 50).' },
  { name: 'cursor', description: 'The next_cursor of the previous page.' },
]
const owner = [
  { name: 'goods_owner_id', description: 'Admin tokens: restrict to one goods owner.' },
]

export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and database check',
    tag: 'System',
    auth: false,
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    tag: 'System',
    auth: false,
  },
  {
    method: 'get',
    path: '/api/v1/docs',
    summary: 'Readable API documentation',
    tag: 'System',
    auth: false,
  },
  {
    method: 'get',
    path: '/api/v1/goods-owners',
    summary: 'List goods owners (an owner token sees its own)',
    tag: 'Goods owners',
    params: page,
  },
  {
    method: 'post',
    path: '/api/v1/goods-owners',
    summary: 'Create a goods owner (admin)',
    tag: 'Goods owners',
    body: ownerCreateSchema,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/v1/goods-owners/{id}',
    summary: 'Get a goods owner',
    tag: 'Goods owners',
  },
  {
    method: 'patch',
    path: '/api/v1/goods-owners/{id}',
    summary: 'Update a goods owner, including the outgoing event webhook URL and secret',
    tag: 'Goods owners',
    body: ownerUpdateSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/goods-owners/{id}',
    summary: 'Delete a goods owner and everything it owns (admin)',
    tag: 'Goods owners',
    ok: 204,
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'List API tokens (admin; hashes are never shown)',
    tag: 'Tokens',
  },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create an API token (admin). The token is shown once, in this response.',
    tag: 'Tokens',
    body: tokenCreateSchema,
    ok: 201,
  },
  {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: 'Revoke an API token (admin)',
    tag: 'Tokens',
    ok: 204,
  },
  {
    method: 'get',
    path: '/api/v1/connections',
    summary: 'List connections (never with credentials)',
    tag: 'Connections',
    params: [
      ...page,
      ...owner,
      { name: 'platform', description: 'woocommerce, shopify or bigcommerce' },
    ],
  },
  {
    method: 'post',
    path: '/api/v1/connections',
    summary: 'Connect a shop. Credentials are encrypted at rest and never returned.',
    tag: 'Connections',
    body: createConnectionSchema,
    ok: 201,
    description:
      'Settings are validated per platform; omitted settings take the defaults in components.schemas.*Settings.',
  },
  {
    method: 'get',
    path: '/api/v1/connections/{id}',
    summary: 'Get a connection',
    tag: 'Connections',
  },
  {
    method: 'patch',
    path: '/api/v1/connections/{id}',
    summary: 'Update name, status, settings (merged) or credentials',
    tag: 'Connections',
    body: connectionUpdateSchema,
  },
  {
    method: 'delete',
    path: '/api/v1/connections/{id}',
    summary: 'Delete a connection',
    tag: 'Connections',
    ok: 204,
  },
  {
    method: 'post',
    path: '/api/v1/connections/{id}/test',
    summary: 'Test the connection: what works and, if not, exactly what is wrong',
    tag: 'Connections',
  },
  {
    method: 'post',
    path: '/api/v1/connections/{id}/sync',
    summary: 'Queue a sync of chosen processes; returns the run id',
    tag: 'Sync',
    body: syncRequestSchema,
    ok: 202,
  },
  {
    method: 'get',
    path: '/api/v1/connections/{id}/runs',
    summary:
      'List runs, newest first (trigger schedule, manual, webhook, startup, or delivery: writes delivered between runs that failed or were retried)',
    tag: 'Sync',
    params: page,
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}',
    summary: 'Get a run with its counts and progress (done/total per process)',
    tag: 'Sync',
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/issues',
    summary: "A run's per-record errors and warnings",
    tag: 'Sync',
  },
  {
    method: 'get',
    path: '/api/v1/connections/{id}/products',
    summary: "The shop's products with their link status (manual article import)",
    tag: 'Articles',
    params: [...page, { name: 'status', description: 'new, linked, missing_sku, duplicate_sku' }],
  },
  {
    method: 'post',
    path: '/api/v1/connections/{id}/products/import',
    summary: 'Turn selected shop products into articles',
    tag: 'Articles',
    body: productImportSchema,
  },
  {
    method: 'post',
    path: '/api/v1/connections/{id}/stock/confirm',
    summary: 'Release stock pushes held by the zero-stock safety guard',
    tag: 'Stock',
  },
  {
    method: 'post',
    path: '/api/v1/connections/{id}/stock/discard',
    summary: 'Discard stock pushes held by the zero-stock safety guard; the next run plans anew',
    tag: 'Stock',
  },
  {
    method: 'get',
    path: '/api/v1/articles',
    summary: 'List articles with stock',
    tag: 'Articles',
    params: [
      ...page,
      ...owner,
      { name: 'article_number', description: 'Exact article number' },
      { name: 'updated_since', description: 'ISO-8601' },
    ],
  },
  {
    method: 'post',
    path: '/api/v1/articles',
    summary:
      'Create or update (by article number) an article the warehouse owns, without a shop link',
    tag: 'Articles',
    body: articleSchema,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/v1/articles/{id}',
    summary: 'Get an article with its platform links',
    tag: 'Articles',
  },
  {
    method: 'get',
    path: '/api/v1/orders',
    summary: 'List orders',
    tag: 'Orders',
    params: [
      ...page,
      ...owner,
      {
        name: 'status',
        description:
          'Comma-separated: open, on_hold, picking, partially_shipped, shipped, cancelled',
      },
      { name: 'created_after', description: 'ISO-8601' },
      { name: 'created_before', description: 'ISO-8601' },
      { name: 'updated_since', description: 'ISO-8601' },
      { name: 'connection_id', description: 'Only this connection' },
      { name: 'external_id', description: "The shop's order id" },
      { name: 'needs_attention', description: 'true: only orders with attention items' },
    ],
  },
  {
    method: 'get',
    path: '/api/v1/orders/{id}',
    summary: 'Get an order with lines, shipments and returns',
    tag: 'Orders',
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/pick',
    summary:
      'Start picking: locks the order against changes from the shop (409 if already started)',
    tag: 'Orders',
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/hold',
    summary: 'Put an open order on hold',
    tag: 'Orders',
    body: reasonSchema,
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/release',
    summary: 'Release an order from hold',
    tag: 'Orders',
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/cancel',
    summary: 'Cancel an order (409 once anything is shipped)',
    tag: 'Orders',
    body: reasonSchema,
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/ship',
    summary:
      'Ship all (no lines) or part of an order with tracking. Idempotency-Key header makes retries safe.',
    tag: 'Orders',
    body: shipSchema,
    ok: 201,
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/fulfil',
    summary:
      "Report this order's shipments to the shop now: releases its fulfilment writes held because the connection's fulfil_automatically setting is off or the order is outside its fulfil_filter",
    tag: 'Orders',
  },
  {
    method: 'post',
    path: '/api/v1/orders/{id}/returns',
    summary: 'Register a return; the shop gets one refund',
    tag: 'Returns',
    body: returnSchema,
    ok: 201,
  },
  {
    method: 'get',
    path: '/api/v1/returns',
    summary: 'List returns with their refund status',
    tag: 'Returns',
    params: [...page, ...owner],
  },
  {
    method: 'get',
    path: '/api/v1/stock',
    summary: 'Stock balances: on hand, allocated, available',
    tag: 'Stock',
    params: [...page, ...owner, { name: 'article_number', description: 'Comma-separated' }],
  },
  {
    method: 'post',
    path: '/api/v1/stock',
    summary: 'Set (on_hand) or adjust (adjust) balances in bulk; all or nothing',
    tag: 'Stock',
    body: stockSchema,
  },
  {
    method: 'get',
    path: '/api/v1/stock/journal',
    summary: 'Journal of stock changes for an article',
    tag: 'Stock',
    params: [
      { name: 'article_number', description: 'Required', required: true },
      { name: 'limit', description: '1–1000' },
    ],
  },
  {
    method: 'get',
    path: '/api/v1/shipping-rules',
    summary: 'Shipping-method rules (ordered, first match wins, * wildcards)',
    tag: 'Shipping',
    params: owner,
  },
  {
    method: 'put',
    path: '/api/v1/shipping-rules',
    summary: 'Replace the shipping-method rules',
    tag: 'Shipping',
    body: rulesSchema,
  },
  {
    method: 'get',
    path: '/api/v1/events',
    summary: 'Event feed after a sequence number, with long-polling',
    tag: 'Events',
    params: [
      { name: 'after', description: 'Last seq you have seen (0 to start)' },
      { name: 'wait', description: 'Seconds to wait for new events (0–60)' },
      { name: 'limit', description: '1–1000' },
      { name: 'type', description: 'Comma-separated event types' },
      ...owner,
    ],
  },
  {
    method: 'post',
    path: '/webhooks/{platform}/{connectionId}',
    summary: "Receiver for the shop platform's webhooks (signature-checked; no bearer token)",
    tag: 'Webhooks',
    auth: false,
  },
  {
    method: 'get',
    path: '/shopify/install',
    summary: 'Shopify app install: checks the HMAC and redirects to Shopify with a one-time state',
    tag: 'Shopify app',
    auth: false,
  },
  {
    method: 'get',
    path: '/shopify/callback',
    summary:
      'Shopify OAuth callback: checks HMAC, state and shop, exchanges the code, shows the form',
    tag: 'Shopify app',
    auth: false,
  },
  {
    method: 'post',
    path: '/shopify/connections',
    summary: 'Landing form: sign in with a hub token, choose owner, location and settings',
    tag: 'Shopify app',
    auth: false,
  },
]

const problem = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>
  delete s.$schema
  return s
}

let cached: Record<string, unknown> | null = null

export function buildOpenApi(): Record<string, unknown> {
  if (cached) return cached
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of ROUTES) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    const query = (r.params ?? []).map((p) => ({
      name: p.name,
      in: 'query',
      required: p.required ?? false,
      description: p.description,
      schema: { type: 'string' },
    }))
    const ok = String(r.ok ?? 200)
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}_${r.path
        .replace(/[{}]/g, '')
        .replace(/[^a-zA-Z0-9]+/g, '_')
        .replace(/^_|_$/g, '')}`,
      parameters: [...pathParams, ...query],
      responses: {
        [ok]:
          ok === '204'
            ? { description: 'No content' }
            : {
                description: 'OK',
                content: { 'application/json': { schema: { type: 'object' } } },
              },
        default: {
          description: 'Problem',
          content: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        },
      },
    }
    if (r.description) op.description = r.description
    if (r.body)
      op.requestBody = {
        required: r.body !== reasonSchema && r.body !== syncRequestSchema && r.body !== shipSchema,
        content: { 'application/json': { schema: jsonSchema(r.body) } },
      }
    if (r.auth === false) op.security = []
    ;(paths[r.path] ??= {})[r.method] = op
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Dockhand hub API',
      version: '1.0.0',
      description:
        'The warehouse side of Dockhand: goods owners, connections to shops, articles, orders, shipments, stock, returns and an event feed. Errors are application/problem+json. Lists use cursor pagination (next_cursor).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An admin token or a token scoped to one goods owner.',
        },
      },
      schemas: {
        Problem: problem,
        WooCommerceSettings: jsonSchema(settingsSchemas.woocommerce),
        ShopifySettings: jsonSchema(settingsSchemas.shopify),
        BigCommerceSettings: jsonSchema(settingsSchemas.bigcommerce),
      },
    },
  }
  return cached
}

export function docsPage(): string {
  const rows = ROUTES.map(
    (r) =>
      `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${r.path}</code></td><td>${escapeHtml(r.summary)}</td><td>${r.auth === false ? 'none' : 'bearer'}</td></tr>`,
  ).join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dockhand hub API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1d2327}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{font-size:13px}h1{font-size:1.6rem}</style></head><body>
<h1>Dockhand hub API</h1>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>application/problem+json</code>.
Lists return <code>{ data, next_cursor }</code>; pass <code>cursor</code> to get the next page.
The machine-readable document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Auth</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
