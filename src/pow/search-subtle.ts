/** A search with WebCrypto: PBKDF2, scrypt, and the SHA variants without a fast path. */
export interface SubtleJob {
  kind: 'subtle';
  /** `SHA-1` … `SHA-512` (hashed `cost` times), `PBKDF2/SHA-…` (`cost` iterations) or `SCRYPT`. */
  algorithm: string;
  /** The bytes before the counter: the hashed data, or the PBKDF2 password. */
  prefix: Uint8Array;
  /** The PBKDF2 or scrypt salt. */
  salt: Uint8Array;
  counter: 'decimal' | 'uint32';
  /** Hash rounds, PBKDF2 iterations, or scrypt's N. */
  cost: number;
  /** scrypt's block size r and parallelism p. */
  blockSize: number;
  parallelism: number;
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
  const { algorithm, prefix, salt, counter, cost, keyLength, target, blockSize: r } = job;
  const subtle = crypto.subtle;
  const pbkdf2 = async (
    password: Uint8Array<ArrayBuffer>,
    salt: Uint8Array<ArrayBuffer>,
    iterations: number,
    hash: string,
    length: number,
  ) => {
    const key = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
    const bits = { name: 'PBKDF2', salt, iterations, hash };
    return new Uint8Array(await subtle.deriveBits(bits, key, length * 8));
  };
  // scrypt's BlockMix with Salsa20/8 over 32-bit little-endian words (every browser is LE).
  const x = new Uint32Array(16);
  const y = new Uint32Array(32 * r);
  const salsa = () => {
    const z = x.slice();
    const rotate = (a: number, b: number, c: number, shift: number) => {
      const sum = (z[b]! + z[c]!) | 0;
      z[a]! ^= (sum << shift) | (sum >>> (32 - shift));
    };
    for (let round = 0; round < 8; round += 2) {
      for (const [a, b, c, d] of [
        [0, 4, 8, 12],
        [5, 9, 13, 1],
        [10, 14, 2, 6],
        [15, 3, 7, 11],
      ] as const) {
        rotate(b, a, d, 7);
        rotate(c, b, a, 9);
        rotate(d, c, b, 13);
        rotate(a, d, c, 18);
      }
      for (const [a, b, c, d] of [
        [0, 1, 2, 3],
        [5, 6, 7, 4],
        [10, 11, 8, 9],
        [15, 12, 13, 14],
      ] as const) {
        rotate(b, a, d, 7);
        rotate(c, b, a, 9);
        rotate(d, c, b, 13);
        rotate(a, d, c, 18);
      }
    }
    for (let i = 0; i < 16; i++) x[i] = (x[i]! + z[i]!) | 0;
  };
  const blockMix = (block: Uint32Array) => {
    x.set(block.subarray((2 * r - 1) * 16, 2 * r * 16));
    for (let i = 0; i < 2 * r; i++) {
      for (let j = 0; j < 16; j++) x[j]! ^= block[i * 16 + j]!;
      salsa();
      y.set(x, ((i >> 1) + (i & 1) * r) * 16);
    }
    block.set(y);
  };
  const scrypt = async (password: Uint8Array<ArrayBuffer>) => {
    const words = 32 * r;
    const b = await pbkdf2(
      password,
      salt as Uint8Array<ArrayBuffer>,
      1,
      'SHA-256',
      128 * r * job.parallelism,
    );
    const v = new Uint32Array(words * cost);
    for (let part = 0; part < job.parallelism; part++) {
      const block = new Uint32Array(b.buffer, part * 128 * r, words);
      for (let i = 0; i < cost; i++) {
        v.set(block, i * words);
        blockMix(block);
      }
      for (let i = 0; i < cost; i++) {
        const j = block[words - 16]! & (cost - 1);
        for (let k = 0; k < words; k++) block[k]! ^= v[j * words + k]!;
        blockMix(block);
      }
    }
    return pbkdf2(password, b, 1, 'SHA-256', keyLength);
  };
  const derive = async (n: number): Promise<string> => {
    const tail =
      counter === 'uint32'
        ? Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
        : new TextEncoder().encode(String(n));
    let data = new Uint8Array(prefix.length + tail.length);
    data.set(prefix);
    data.set(tail, prefix.length);
    if (algorithm === 'SCRYPT') data = await scrypt(data);
    else if (algorithm.startsWith('PBKDF2/')) {
      data = await pbkdf2(
        data,
        salt as Uint8Array<ArrayBuffer>,
        cost,
        algorithm.slice(7),
        keyLength,
      );
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
