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
  const x = new Int32Array(16);
  const y = new Int32Array(32 * r);
  const salsa = () => {
    let x0 = x[0]!,
      x1 = x[1]!,
      x2 = x[2]!,
      x3 = x[3]!,
      x4 = x[4]!,
      x5 = x[5]!,
      x6 = x[6]!,
      x7 = x[7]!;
    let x8 = x[8]!,
      x9 = x[9]!,
      x10 = x[10]!,
      x11 = x[11]!,
      x12 = x[12]!,
      x13 = x[13]!,
      x14 = x[14]!,
      x15 = x[15]!;
    for (let round = 0; round < 4; round++) {
      let t = 0;
      t = (x0! + x12!) | 0;
      x4! ^= (t << 7) | (t >>> 25);
      t = (x4! + x0!) | 0;
      x8! ^= (t << 9) | (t >>> 23);
      t = (x8! + x4!) | 0;
      x12! ^= (t << 13) | (t >>> 19);
      t = (x12! + x8!) | 0;
      x0! ^= (t << 18) | (t >>> 14);
      t = (x5! + x1!) | 0;
      x9! ^= (t << 7) | (t >>> 25);
      t = (x9! + x5!) | 0;
      x13! ^= (t << 9) | (t >>> 23);
      t = (x13! + x9!) | 0;
      x1! ^= (t << 13) | (t >>> 19);
      t = (x1! + x13!) | 0;
      x5! ^= (t << 18) | (t >>> 14);
      t = (x10! + x6!) | 0;
      x14! ^= (t << 7) | (t >>> 25);
      t = (x14! + x10!) | 0;
      x2! ^= (t << 9) | (t >>> 23);
      t = (x2! + x14!) | 0;
      x6! ^= (t << 13) | (t >>> 19);
      t = (x6! + x2!) | 0;
      x10! ^= (t << 18) | (t >>> 14);
      t = (x15! + x11!) | 0;
      x3! ^= (t << 7) | (t >>> 25);
      t = (x3! + x15!) | 0;
      x7! ^= (t << 9) | (t >>> 23);
      t = (x7! + x3!) | 0;
      x11! ^= (t << 13) | (t >>> 19);
      t = (x11! + x7!) | 0;
      x15! ^= (t << 18) | (t >>> 14);
      t = (x0! + x3!) | 0;
      x1! ^= (t << 7) | (t >>> 25);
      t = (x1! + x0!) | 0;
      x2! ^= (t << 9) | (t >>> 23);
      t = (x2! + x1!) | 0;
      x3! ^= (t << 13) | (t >>> 19);
      t = (x3! + x2!) | 0;
      x0! ^= (t << 18) | (t >>> 14);
      t = (x5! + x4!) | 0;
      x6! ^= (t << 7) | (t >>> 25);
      t = (x6! + x5!) | 0;
      x7! ^= (t << 9) | (t >>> 23);
      t = (x7! + x6!) | 0;
      x4! ^= (t << 13) | (t >>> 19);
      t = (x4! + x7!) | 0;
      x5! ^= (t << 18) | (t >>> 14);
      t = (x10! + x9!) | 0;
      x11! ^= (t << 7) | (t >>> 25);
      t = (x11! + x10!) | 0;
      x8! ^= (t << 9) | (t >>> 23);
      t = (x8! + x11!) | 0;
      x9! ^= (t << 13) | (t >>> 19);
      t = (x9! + x8!) | 0;
      x10! ^= (t << 18) | (t >>> 14);
      t = (x15! + x14!) | 0;
      x12! ^= (t << 7) | (t >>> 25);
      t = (x12! + x15!) | 0;
      x13! ^= (t << 9) | (t >>> 23);
      t = (x13! + x12!) | 0;
      x14! ^= (t << 13) | (t >>> 19);
      t = (x14! + x13!) | 0;
      x15! ^= (t << 18) | (t >>> 14);
    }
    const z = [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15];
    for (let i = 0; i < 16; i++) x[i] = (x[i]! + z[i]!) | 0;
  };
  const blockMix = (block: Int32Array) => {
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
    const v = new Int32Array(words * cost);
    for (let part = 0; part < job.parallelism; part++) {
      const block = new Int32Array(b.buffer, part * 128 * r, words);
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
