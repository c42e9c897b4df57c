/**
 * The hub's dependencies in one place, created once by main.ts (or a test) and passed down.
 */
import type { Logger } from 'pino'
import type { HubConfig } from './config.ts'
import type { SecretBox } from './crypto/secret-box.ts'
import type { Db } from './store/db.ts'
import type { ConnectorRegistry } from './sync/connector.ts'

export interface Hub {
  config: HubConfig
  db: Db
  box: SecretBox
  registry: ConnectorRegistry
  log: Logger
  /** Identifies this process in leases. */
  instanceId: string
  /** Aborted when the hub shuts down. */
  shutdown: AbortSignal
  /** Wake the worker (a run was queued or a write was added). */
  kick(): void
}
