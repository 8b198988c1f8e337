/** A search with WebCrypto: PBKDF2, and the SHA variants without a fast path. */
export interface SubtleJob {
  kind: 'subtle';
  /** `SHA-1` … `SHA-512` (hashed `cost` times) or `PBKDF2/SHA-…` (`cost` iterations). */
  algorithm: string;
  /** The bytes before the counter: the hashed data, or the PBKDF2 password. */
  prefix: Uint8Array;
  /** The PBKDF2 salt. */
  salt: Uint8Array;
  counter: 'decimal' | 'uint32';
  cost: number;
  /** Key length in bytes; the digest is cut to it. */
  keyLength: number;
  /** The lowercase hex the key must start with (the whole digest for classic challenges). */
  target: string;
}

/**
 * Tries counters `from` ≤ n < `to`, a few at a time in parallel, and returns the first match
 * and its key in hex, or [-1, '']. Self-contained so that its source also runs in a Worker.
 */
export async function searchSubtle(
  job: SubtleJob,
  from: number,
  to: number,
): Promise<[number, string]> {
  const { algorithm, prefix, salt, counter, cost, keyLength, target } = job;
  const subtle = crypto.subtle;
  const derive = async (n: number): Promise<string> => {
    const tail =
      counter === 'uint32'
        ? Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
        : new TextEncoder().encode(String(n));
    let data = new Uint8Array(prefix.length + tail.length);
    data.set(prefix);
    data.set(tail, prefix.length);
    if (algorithm.startsWith('PBKDF2/')) {
      const key = await subtle.importKey('raw', data, 'PBKDF2', false, ['deriveBits']);
      const bits = {
        name: 'PBKDF2',
        salt: salt as Uint8Array<ArrayBuffer>,
        iterations: cost,
        hash: algorithm.slice(7),
      };
      data = new Uint8Array(await subtle.deriveBits(bits, key, keyLength * 8));
    } else {
      for (let round = 0; round < Math.max(1, cost); round++)
        data = new Uint8Array(await subtle.digest(algorithm, data));
    }
    return Array.from(data.subarray(0, keyLength), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join('');
  };
  for (let n = from; n < to; n += 8) {
    const batch: Array<Promise<[number, string]>> = [];
    for (let candidate = n; candidate < Math.min(n + 8, to); candidate++)
      batch.push(derive(candidate).then((key) => [candidate, key]));
    for (const [candidate, key] of await Promise.all(batch))
      if (key.startsWith(target)) return [candidate, key];
  }
  return [-1, ''];
}
