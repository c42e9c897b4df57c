/** Say where a shop's payload breaks the shape the connector reads, for a person to follow up. */
import type { z } from 'zod'

/**
 * `line_items.0.quantity: Invalid input: expected number, received string` (the first three);
 * `within` names the part of the record the error is about (`products.2`).
 */
export function describeShapeError(error: z.ZodError, within?: string): string {
  return error.issues
    .slice(0, 3)
    .map(
      (i) =>
        `${[within, ...i.path].filter((p) => p !== undefined).join('.') || 'record'}: ${i.message}`,
    )
    .join('; ')
}
