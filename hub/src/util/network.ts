/** Node/undici network error codes in words, for run logs ("the connection was reset, ECONNRESET"). */
const PLAIN: Record<string, string> = {
  UND_ERR_SOCKET: 'the connection was closed mid-answer',
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer arrived in time',
}

/** What went wrong with a fetch that threw, in words a shop owner can act on (pure). */
export function describeFetchError(err: unknown, timeout: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string } }
  if (e?.name === 'TimeoutError') return timeout
  const code = e?.cause?.code
  if (code && PLAIN[code]) return `${PLAIN[code]}, ${code}`
  return code ?? e?.message ?? 'network error'
}
