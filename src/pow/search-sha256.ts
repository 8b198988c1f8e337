/** A SHA-256 search: hash prefix ‖ counter (`cost` times), match the first words under a mask. */
export interface Sha256Job {
  kind: 'sha256';
  /** The bytes before the counter. */
  prefix: Uint8Array;
  /** How the counter is appended: decimal text (classic) or 4 big-endian bytes (v2). */
  counter: 'decimal' | 'uint32';
  /** How many times to hash (v2 `cost`; each further round hashes the previous digest). */
  cost: number;
  /** The digest words to match where `mask` is set. */
  target: number[];
  mask: number[];
}

/**
 * Tries counters `from` ≤ n < `to` and returns the first that matches, or -1. Synchronous and
 * self-contained (it references nothing outside itself) so that its source also runs in a Worker.
 *
 * It is fast because the work per candidate is only what changes: prefix blocks are hashed
 * once (midstate), the rounds over the prefix words of the last block are run once, and the
 * digest is compared as words without hex strings.
 */
export function searchSha256(job: Sha256Job, from: number, to: number): number {
  // The round constants and initial hash: fractional bits of the primes' cube and square roots.
  const k = new Int32Array(64);
  const iv = new Int32Array(8);
  for (let candidate = 2, found = 0; found < 64; candidate++) {
    let prime = true;
    for (let divisor = 2; divisor * divisor <= candidate; divisor++)
      if (candidate % divisor === 0) prime = false;
    if (!prime) continue;
    if (found < 8) iv[found] = (Math.sqrt(candidate) % 1) * 2 ** 32;
    k[found++] = (Math.cbrt(candidate) % 1) * 2 ** 32;
  }
  const w = new Int32Array(64);
  const state = new Int32Array(8);
  const { prefix, counter, cost, target, mask } = job;

  // Runs rounds from…to on `w`, starting from the working variables `start`, into `out`.
  const rounds = (start: Int32Array, first: number, last: number, out: Int32Array) => {
    let a = start[0]!;
    let b = start[1]!;
    let c = start[2]!;
    let d = start[3]!;
    let e = start[4]!;
    let f = start[5]!;
    let g = start[6]!;
    let h = start[7]!;
    for (let i = first; i < last; i++) {
      const t1 =
        (h +
          (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) +
          k[i]! +
          w[i]!) |
        0;
      const t2 =
        ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
          ((a & b) ^ (a & c) ^ (b & c))) |
        0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
    out[4] = e;
    out[5] = f;
    out[6] = g;
    out[7] = h;
  };
  const schedule = () => {
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      w[i] =
        ((((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
          w[i - 7]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
          w[i - 16]!) |
        0;
    }
  };
  // One whole compression of `w` into the chaining value `chain`.
  const compress = (chain: Int32Array) => {
    schedule();
    rounds(chain, 0, 64, state);
    for (let i = 0; i < 8; i++) chain[i] = (chain[i]! + state[i]!) | 0;
  };
  const setByte = (words: Int32Array, position: number, byte: number) => {
    words[position >> 2]! |= byte << (24 - ((position & 3) << 3));
  };

  const mid = iv.slice();
  const whole = prefix.length - (prefix.length % 64);
  for (let offset = 0; offset < whole; offset += 64) {
    w.fill(0, 0, 16);
    for (let i = 0; i < 64; i++) setByte(w, i, prefix[offset + i]!);
    compress(mid);
  }
  const rest = prefix.length - whole;
  const base = new Int32Array(32);
  for (let i = 0; i < rest; i++) setByte(base, i, prefix[whole + i]!);
  // The words before the counter never change: their rounds are run once for all candidates.
  const fixed = rest >> 2;
  w.set(base.subarray(0, 16));
  const early = new Int32Array(8);
  rounds(mid, 0, fixed, early);

  const block = new Int32Array(32);
  const chain = new Int32Array(8);
  let template = base;
  let digits = 0;
  let blocks = 1;
  let length = counter === 'uint32' ? 4 : String(from).length;
  let limit = 10 ** length;
  for (let n = from; n < to; n++) {
    if (n >= limit && counter === 'decimal') {
      length++;
      limit *= 10;
    }
    if (length !== digits) {
      digits = length;
      template = base.slice();
      setByte(template, rest + length, 0x80);
      blocks = rest + length + 9 > 64 ? 2 : 1;
      template[blocks * 16 - 1] = (prefix.length + length) * 8;
    }
    block.set(template);
    if (counter === 'uint32') {
      for (let i = 0; i < 4; i++) setByte(block, rest + i, (n >>> (24 - 8 * i)) & 255);
    } else {
      for (let i = length - 1, value = n; i >= 0; i--, value = Math.floor(value / 10))
        setByte(block, rest + i, 48 + (value % 10));
    }
    w.set(block.subarray(0, 16));
    schedule();
    rounds(early, fixed, 64, state);
    for (let i = 0; i < 8; i++) chain[i] = (mid[i]! + state[i]!) | 0;
    if (blocks === 2) {
      w.set(block.subarray(16));
      compress(chain);
    }
    for (let round = 1; round < cost; round++) {
      w.set(chain);
      w.fill(0, 8, 16);
      w[8] = 0x80000000 | 0;
      w[15] = 256;
      chain.set(iv);
      compress(chain);
    }
    // Nearly every candidate fails on the first word.
    if ((chain[0]! & mask[0]!) !== target[0]) continue;
    let match = true;
    for (let i = 1; i < 8 && match; i++) match = (chain[i]! & mask[i]!) === target[i];
    if (match) return n;
  }
  return -1;
}
