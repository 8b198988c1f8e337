const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether an error means the database could not be reached (as opposed to a bug): network
 * errors, PostgreSQL's connection-exception class (08…), shutdown (57P…), too many connections
 * (53300), and the pool's own timeouts and terminations.
 */
export function isEngineUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (networkCodes.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
    if (code === '53300') return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(
      message,
    )
  );
}
