/** Environment, parsed once. */
import { resolve } from 'node:path'
import { z } from 'zod'

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  DOCKHAND_DATA_DIR: z.string().default('./data'),
  /** postgres://user@host:5432/db to run on PostgreSQL; unset: embedded SQLite in the data dir. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  DOCKHAND_ADMIN_TOKEN: z
    .string()
    .min(24, 'DOCKHAND_ADMIN_TOKEN must be at least 24 characters')
    .optional(),
  DOCKHAND_SECRET_KEY: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || Buffer.from(v, 'base64').length === 32 || /^[0-9a-f]{64}$/i.test(v),
      'DOCKHAND_SECRET_KEY must be 32 bytes, as 64 hex characters or base64',
    ),
  /** The hub's URL as shops reach it (for platform webhooks), e.g. https://hub.example.com */
  DOCKHAND_PUBLIC_URL: z.url().optional(),
  DOCKHAND_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** Set to 0 to run only the API, with no scheduler or outbox worker (e.g. API-only replicas). */
  DOCKHAND_WORKER: z.enum(['0', '1']).default('1'),
  /**
   * How long a sync run's hold on its connection lasts without renewal (renewed every third of
   * it). A worker that dies mid-run loses its runs after this long; another worker resumes them.
   */
  DOCKHAND_RUN_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * How long a claimed outbox write is reserved for its worker (renewed while it is delivered).
   * A worker that dies holding writes loses them after this long (PostgreSQL).
   */
  DOCKHAND_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Max request body size for the API, in bytes. */
  DOCKHAND_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  SHOPIFY_API_KEY: z.string().optional(),
  SHOPIFY_API_SECRET: z.string().optional(),
})

export interface HubConfig {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  adminToken: string | undefined
  secretKey: string | undefined
  publicUrl: string | undefined
  logLevel: z.infer<typeof envSchema>['DOCKHAND_LOG_LEVEL']
  worker: boolean
  runLeaseMs: number
  outboxLeaseMs: number
  maxBodyBytes: number
  shopify: { apiKey: string | undefined; apiSecret: string | undefined }
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DOCKHAND_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    adminToken: e.DOCKHAND_ADMIN_TOKEN,
    secretKey: e.DOCKHAND_SECRET_KEY,
    publicUrl: e.DOCKHAND_PUBLIC_URL?.replace(/\/$/, ''),
    logLevel: e.DOCKHAND_LOG_LEVEL,
    worker: e.DOCKHAND_WORKER === '1',
    runLeaseMs: e.DOCKHAND_RUN_LEASE_SECONDS * 1000,
    outboxLeaseMs: e.DOCKHAND_OUTBOX_LEASE_SECONDS * 1000,
    maxBodyBytes: e.DOCKHAND_MAX_BODY_BYTES,
    shopify: { apiKey: e.SHOPIFY_API_KEY, apiSecret: e.SHOPIFY_API_SECRET },
  }
}
