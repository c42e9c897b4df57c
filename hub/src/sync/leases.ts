/**
 * Named leases that expire: one connection's sync runs in one process at a time, and a process
 * that dies loses its lease when it runs out. The take is one conditional write, so two processes
 * can't both win.
 */
import type { Queryable } from '../store/db.ts'

export async function takeLease(
  db: Queryable,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const now = new Date()
  const expires = new Date(now.getTime() + ttlMs).toISOString()
  const inserted = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expires })
        .where((eb) =>
          eb.or([
            eb('leases.expires_at', '<', now.toISOString()),
            eb('leases.holder', '=', holder),
          ]),
        ),
    )
    .executeTakeFirst()
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function releaseLease(db: Queryable, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute()
}
