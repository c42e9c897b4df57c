import { Writable } from 'node:stream'
import { expect, it } from 'vitest'
import { createLogger } from '../../hub/src/log.ts'

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)))
      cb()
    },
  })
  return { log: createLogger('debug', sink), lines }
}

it('logs an err that is a sentence instead of an Error, scrubbed, without throwing', () => {
  const { log, lines } = capture()
  expect(() =>
    log.warn({ err: 'fetch failed: consumer_key=ck_0123456789abcdef' }, 'webhook fetch failed'),
  ).not.toThrow()
  expect(lines[0]!.err).toEqual({ message: 'fetch failed: consumer_key=[redacted]' })
})

it('logs an Error with its type and a scrubbed message', () => {
  const { log, lines } = capture()
  log.warn({ err: new TypeError('Bearer abcdefghijklmnop was refused') }, 'x')
  expect(lines[0]!.err).toMatchObject({
    type: 'TypeError',
    message: 'Bearer [redacted] was refused',
  })
})
