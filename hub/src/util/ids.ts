import { randomBytes } from 'node:crypto'

/**
 * ULID-style ids: 48-bit millisecond time + 80 random bits, Crockford base32, with a resource
 * prefix (`ord_01J…`). Lexicographic order is creation order, which makes them good cursors.
 * Monotonic within one process even when several are made in the same millisecond.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
let lastTime = 0
let lastRandom: number[] = []

export function newId(prefix: string): string {
  let now = Date.now()
  if (now < lastTime) now = lastTime
  if (now === lastTime) {
    incrementRandom(lastRandom)
  } else {
    lastTime = now
    const bytes = randomBytes(10)
    lastRandom = []
    for (let i = 0; i < 16; i++) lastRandom.push(readBits(bytes, i * 5) & 31)
  }
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time
    t = Math.floor(t / 32)
  }
  return `${prefix}_${time}${lastRandom.map((n) => ALPHABET[n]).join('')}`
}

function readBits(bytes: Buffer, bitOffset: number): number {
  const byte = Math.floor(bitOffset / 8)
  const shift = bitOffset % 8
  const word = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0)
  return (word >> (11 - shift)) & 31
}

function incrementRandom(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if ((digits[i] ?? 0) < 31) {
      digits[i] = (digits[i] ?? 0) + 1
      return
    }
    digits[i] = 0
  }
}

export function nowIso(): string {
  return new Date().toISOString()
}
