import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { searchSha256 } from '../../src/pow/search-sha256.ts';

const words = (hex: string) =>
  Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16) | 0);
const exact = Array(8).fill(-1);
const encode = (text: string) => new TextEncoder().encode(text);

describe('searchSha256', () => {
  // Lengths around the block edges: one block, counter crossing into a second, whole prefix blocks.
  it.each([0, 3, 44, 53, 55, 56, 60, 63, 64, 65, 130])(
    'finds decimal counters after a %i-byte prefix',
    (length) => {
      const salt = 's'.repeat(length);
      for (const n of [0, 9, 10, 99, 100, 12_345, 999_999, 1_000_000]) {
        const target = words(
          createHash('sha256')
            .update(salt + n)
            .digest('hex'),
        );
        const job = {
          kind: 'sha256',
          prefix: encode(salt),
          counter: 'decimal',
          cost: 1,
          target,
          mask: exact,
        } as const;
        expect(searchSha256(job, Math.max(0, n - 12), n + 5)).toBe(n);
        expect(searchSha256(job, n + 1, n + 5)).toBe(-1);
      }
    },
  );

  it('finds uint32 counters hashed `cost` times', () => {
    const prefix = Buffer.from('00112233445566778899aabbccddeeff'.repeat(2), 'hex');
    const n = 0x01020304;
    let data: Buffer = Buffer.concat([prefix, Buffer.from([1, 2, 3, 4])]);
    for (let round = 0; round < 3; round++) data = createHash('sha256').update(data).digest();
    const job = {
      kind: 'sha256',
      prefix,
      counter: 'uint32',
      cost: 3,
      target: words(data.toString('hex')),
      mask: exact,
    } as const;
    expect(searchSha256(job, n - 100, n + 100)).toBe(n);
  });

  it('matches only the masked prefix of the digest (odd nibble count)', () => {
    const prefix = encode('salt');
    const digest = (n: number) => createHash('sha256').update(`salt${n}`).digest('hex');
    const want = digest(777).slice(0, 3);
    const first = Array.from({ length: 800 }, (_, n) => n).find((n) => digest(n).startsWith(want));
    const job = {
      kind: 'sha256',
      prefix,
      counter: 'decimal',
      cost: 1,
      target: words(want.padEnd(64, '0')),
      mask: words('fff'.padEnd(64, '0')),
    } as const;
    expect(searchSha256(job, 0, 800)).toBe(first);
  });

  it('runs from its own source text alone, as it does in a Worker', () => {
    const isolated = new Function(`return ${searchSha256}`)() as typeof searchSha256;
    const target = words(createHash('sha256').update('x42').digest('hex'));
    expect(
      isolated(
        { kind: 'sha256', prefix: encode('x'), counter: 'decimal', cost: 1, target, mask: exact },
        0,
        100,
      ),
    ).toBe(42);
  });
});
