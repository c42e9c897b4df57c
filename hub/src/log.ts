/**
 * Structured JSON logs (pino). Secrets are redacted by key name wherever they appear in a logged
 * object, and credential-looking strings are masked in messages.
 */
import { type Logger, pino } from 'pino'

export type { Logger }

const SECRET_KEYS = [
  'authorization',
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'consumerSecret',
  'consumer_secret',
  'consumerKey',
  'consumer_key',
  'apiSecret',
  'credentials',
  'x-auth-token',
  'x-shopify-access-token',
  'x-wc-webhook-signature',
  'cookie',
]

const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]).map((p) =>
  p
    .split('.')
    .map((seg) => (seg === '*' || /^[A-Za-z_$][\w$]*$/.test(seg) ? seg : `["${seg}"]`))
    .join('.')
    .replace(/\.\[/g, '['),
)

/** Mask things that look like platform credentials inside free text. */
export function scrub(text: string): string {
  return text
    .replace(/\b(ck|cs)_[0-9a-f]{8,}\b/gi, '$1_[redacted]')
    .replace(/\bshp(at|ca|pa|ss)_[0-9a-zA-Z]{8,}\b/g, 'shp$1_[redacted]')
    .replace(/\bdh_[a-z]+_[0-9A-Za-z_-]{8,}\b/g, 'dh_[redacted]')
    .replace(/(consumer_(key|secret)|oauth_signature|access_token)=([^&\s"]+)/gi, '$1=[redacted]')
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9+/=._-]{8,}/g, '$1 [redacted]')
}

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dockhand' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as typeof args
          method.apply(this, scrubbed)
        },
      },
      serializers: {
        // An `err` that is not an Error (a sentence, a thrown string) is logged as scrubbed text.
        err: (err: unknown) =>
          err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)
            ? {
                type: (err as Error).name,
                message: scrub(String((err as Error).message)),
                stack: (err as Error).stack ? scrub(String((err as Error).stack)) : undefined,
              }
            : { message: scrub(String(err)) },
      },
    },
    destination,
  )
}
