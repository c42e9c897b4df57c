/** Cursor pagination over prefixed-ULID ids (creation order). */
import { HubError } from '../errors.ts'

export interface Page {
  limit: number
  after: string | null
}

export function readPage(query: (k: string) => string | undefined, maxLimit = 500): Page {
  const raw = query('limit')
  const limit = raw === undefined ? 50 : Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new HubError('validation_failed', `limit must be a whole number from 1 to ${maxLimit}.`)
  }
  const cursor = query('cursor')
  let after: string | null = null
  if (cursor) {
    try {
      after = Buffer.from(cursor, 'base64url').toString('utf8')
    } catch {
      after = null
    }
    if (!after || !/^[a-z]{3}_[0-9A-Z]{26}$/.test(after))
      throw new HubError('validation_failed', 'cursor is not one this API gave out.')
  }
  return { limit, after }
}

export function pageOf<T extends { id: string }, V>(
  rows: T[],
  page: Page,
  view: (r: T) => V,
): { data: V[]; next_cursor: string | null } {
  const more = rows.length > page.limit
  const slice = more ? rows.slice(0, page.limit) : rows
  const last = slice[slice.length - 1]
  return {
    data: slice.map(view),
    next_cursor: more && last ? Buffer.from(last.id).toString('base64url') : null,
  }
}
