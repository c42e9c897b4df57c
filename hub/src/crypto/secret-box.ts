/**
 * Credentials at rest: AES-256-GCM under a master key from DOCKHAND_SECRET_KEY, or from a key
 * file (mode 0600) created in the data directory on first start.
 * Sealed format: "v1:" + base64(iv[12] | tag[16] | ciphertext).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('the master key must be 32 bytes')
    return new SecretBox(key)
  }

  /** Key from DOCKHAND_SECRET_KEY (hex or base64), else from `<dataDir>/secret.key`, created if missing. */
  static load(options: { secretKey?: string | undefined; dataDir: string }): SecretBox {
    if (options.secretKey) {
      const raw = /^[0-9a-f]{64}$/i.test(options.secretKey)
        ? Buffer.from(options.secretKey, 'hex')
        : Buffer.from(options.secretKey, 'base64')
      return SecretBox.fromKey(raw)
    }
    const file = join(options.dataDir, 'secret.key')
    if (!existsSync(file)) {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    }
    const mode = statSync(file).mode & 0o777
    if (mode !== 0o600) chmodSync(file, 0o600)
    return SecretBox.fromKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'))
  }

  seal(plain: string, associatedData = ''): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(associatedData))
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`
  }

  open(sealed: string, associatedData = ''): string {
    if (!sealed.startsWith('v1:')) throw new Error('unknown sealed-secret format')
    const buf = Buffer.from(sealed.slice(3), 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12))
    decipher.setAAD(Buffer.from(associatedData))
    decipher.setAuthTag(buf.subarray(12, 28))
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8')
  }

  /** Keyed fingerprint (HMAC under a subkey of the master key): comparable, reveals nothing offline. */
  fingerprint(text: string): string {
    const subkey = Buffer.from(
      hkdfSync('sha256', this.key, Buffer.alloc(0), 'dockhand fingerprint', 32),
    )
    return createHmac('sha256', subkey).update(text).digest('hex').slice(0, 32)
  }

  sealJson(value: unknown, associatedData = ''): string {
    return this.seal(JSON.stringify(value), associatedData)
  }

  openJson<T>(sealed: string, associatedData = ''): T {
    return JSON.parse(this.open(sealed, associatedData)) as T
  }
}
