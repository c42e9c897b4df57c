/** Goods owners (a 3PL's clients) and API tokens. */
import type { SecretBox } from '../crypto/secret-box.ts'
import { generateToken, hashToken } from '../crypto/tokens.ts'
import { conflict, notFound } from '../errors.ts'
import type { Queryable } from '../store/db.ts'
import type { ApiToken, GoodsOwner } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'

export async function createOwner(db: Queryable, name: string): Promise<GoodsOwner> {
  const now = nowIso()
  const owner: GoodsOwner = {
    id: newId('own'),
    name: name.trim(),
    webhook_url: null,
    webhook_secret_enc: null,
    created_at: now,
    updated_at: now,
  }
  await db.insertInto('goods_owners').values(owner).execute()
  return owner
}

export async function getOwner(db: Queryable, id: string): Promise<GoodsOwner> {
  const owner = await db
    .selectFrom('goods_owners')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!owner) throw notFound('goods owner', id)
  return owner
}

export async function updateOwner(
  db: Queryable,
  box: SecretBox,
  id: string,
  patch: {
    name?: string | undefined
    webhook_url?: string | null | undefined
    webhook_secret?: string | null | undefined
  },
): Promise<GoodsOwner> {
  await getOwner(db, id)
  const set: Partial<GoodsOwner> = { updated_at: nowIso() }
  if (patch.name !== undefined) set.name = patch.name.trim()
  if (patch.webhook_url !== undefined) set.webhook_url = patch.webhook_url
  if (patch.webhook_secret !== undefined) {
    set.webhook_secret_enc =
      patch.webhook_secret === null ? null : box.seal(patch.webhook_secret, `owner:${id}`)
  }
  await db.updateTable('goods_owners').set(set).where('id', '=', id).execute()
  return getOwner(db, id)
}

export function ownerView(o: GoodsOwner) {
  return {
    id: o.id,
    name: o.name,
    webhook_url: o.webhook_url,
    has_webhook_secret: o.webhook_secret_enc !== null,
    created_at: o.created_at,
    updated_at: o.updated_at,
  }
}

export async function createToken(
  db: Queryable,
  input: { name: string; role: 'admin' | 'owner'; goodsOwnerId: string | null; token?: string },
): Promise<{ token: string; row: ApiToken }> {
  if (input.role === 'owner' && !input.goodsOwnerId)
    throw conflict('An owner token needs a goods owner.')
  const token = input.token ?? generateToken(input.role)
  const row: ApiToken = {
    id: newId('tok'),
    name: input.name,
    token_hash: hashToken(token),
    prefix: token.slice(0, 12),
    role: input.role,
    goods_owner_id: input.role === 'admin' ? null : input.goodsOwnerId,
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  }
  await db.insertInto('api_tokens').values(row).execute()
  return { token, row }
}

export function tokenView(t: ApiToken) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    goods_owner_id: t.goods_owner_id,
    created_at: t.created_at,
    last_used_at: t.last_used_at,
    revoked_at: t.revoked_at,
  }
}

export async function findToken(db: Queryable, token: string): Promise<ApiToken | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}
