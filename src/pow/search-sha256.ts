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
  const k = Int32Array.from(
    '428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2'.split(
      ' ',
    ),
    (word) => Number.parseInt(word, 16),
  );
  const iv = Int32Array.of(
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  );
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
