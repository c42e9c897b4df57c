/** A failed call → the outbox outcome: transient ones are retried, the rest fail with the reason. */
import type { DeliveryOutcome } from '../../sync/connector.ts'
import { BcError } from './client.ts'

export function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof BcError) {
    if (err.transient)
      return {
        status: 'retry',
        reason: err.reason,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      }
    return { status: 'failed', reason: err.reason }
  }
  return { status: 'retry', reason: err instanceof Error ? err.message : String(err) }
}
