/** API tokens: random, shown once, stored as SHA-256 hashes, compared in constant time. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export function generateToken(kind: 'admin' | 'owner'): string {
  return `dh_${kind}_${randomBytes(24).toString('base64url')}`
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

export function hmacSha256(
  secret: string,
  body: string | Buffer,
  encoding: 'hex' | 'base64' = 'hex',
): string {
  return createHmac('sha256', secret).update(body).digest(encoding)
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}
