import { createChallenge, type DeriveKeyFunction, verifySolution } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { deriveKey as deriveScrypt } from 'altcha-lib/algorithms/scrypt';
import { deriveKey as deriveSha } from 'altcha-lib/algorithms/sha';
import {
  createChallenge as createClassicChallenge,
  verifySolution as verifyClassicSolution,
} from 'altcha-lib/v1';
import { describe, expect, it, vi } from 'vitest';
import { solveChallenge } from '../../src/pow/solve-challenge.ts';
import { workerSource } from '../../src/pow/worker-source.ts';

const hmacKey = 'a-test-secret-that-is-long-enough-123';
const decode = (header: string) =>
  JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0))));
const inOneMinute = () => new Date(Date.now() + 60_000);

/** Runs the real worker script in an isolated function scope, the way a Worker would. */
class SourceWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  terminated = false;
  #handle: (event: { data: unknown }) => void;
  constructor() {
    const post = (data: unknown) =>
      setTimeout(() => !this.terminated && this.onmessage?.({ data }), 0);
    this.#handle = new Function('postMessage', `let onmessage;${workerSource()};return onmessage;`)(
      post,
    );
  }
  postMessage(data: unknown) {
    setTimeout(() => this.#handle({ data: structuredClone(data) }), 0);
  }
  terminate() {
    this.terminated = true;
  }
}

/** A worker refused by CSP: it fails asynchronously, after the constructor returned. */
class FailingWorker extends SourceWorker {
  override postMessage() {
    setTimeout(() => this.onerror?.(new Event('error', { cancelable: true })), 0);
  }
}

async function classic(maxnumber = 50_000) {
  return createClassicChallenge({ hmacKey, maxnumber, expires: inOneMinute() });
}

async function v2(algorithm: string, deriveKey: DeriveKeyFunction, cost: number, counter?: number) {
  const challenge = await createChallenge({
    algorithm,
    cost,
    counter,
    deriveKey,
    keyPrefix: '0a',
    expiresAt: inOneMinute(),
    hmacSignatureSecret: hmacKey,
  });
  // As it arrives over the wire.
  return JSON.parse(JSON.stringify(challenge));
}

async function verifyV2(header: string, deriveKey: DeriveKeyFunction) {
  const { challenge, solution } = decode(header);
  return (await verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret: hmacKey }))
    .verified;
}

describe('solveChallenge', () => {
  it('solves a classic challenge that altcha-lib v1 verifies, with the classic payload', async () => {
    const header = await solveChallenge(await classic());
    expect(await verifyClassicSolution(header, hmacKey)).toBe(true);
    expect(Object.keys(decode(header)).sort()).toEqual([
      'algorithm',
      'challenge',
      'number',
      'salt',
      'signature',
    ]);
  });

  it('solves a classic SHA-1 challenge through WebCrypto', async () => {
    const challenge = await createClassicChallenge({
      hmacKey,
      algorithm: 'SHA-1',
      maxnumber: 2_000,
    });
    expect(await verifyClassicSolution(await solveChallenge(challenge), hmacKey)).toBe(true);
  });

  it.each([
    ['SHA-256', deriveSha, 1],
    ['SHA-256', deriveSha, 3],
    ['SHA-384', deriveSha, 1],
    ['PBKDF2/SHA-256', derivePbkdf2, 500],
  ] as const)(
    'solves a v2 %s (cost %d) challenge that altcha-lib verifies',
    async (algorithm, deriveKey, cost) => {
      const header = await solveChallenge(await v2(algorithm, deriveKey, cost));
      expect(await verifyV2(header, deriveKey)).toBe(true);
      expect(Object.keys(decode(header))).toEqual(['challenge', 'solution']);
    },
  );

  it('solves a v2 SCRYPT challenge as the server makes it (N 1024, r 8)', async () => {
    const challenge = await createChallenge({
      algorithm: 'SCRYPT',
      cost: 1024,
      memoryCost: 8,
      counter: 30,
      deriveKey: deriveScrypt,
      expiresAt: inOneMinute(),
      hmacSignatureSecret: hmacKey,
    });
    const header = await solveChallenge(JSON.parse(JSON.stringify(challenge)));
    expect(decode(header).solution.counter).toBe(30);
    expect(await verifyV2(header, deriveScrypt)).toBe(true);
  });

  it('solves a deterministic v2 challenge (server-chosen counter, long key prefix)', async () => {
    const challenge = await v2('SHA-256', deriveSha, 1, 20_000);
    const header = await solveChallenge(challenge);
    expect(decode(header).solution.counter).toBe(20_000);
    expect(await verifyV2(header, deriveSha)).toBe(true);
  });

  it('solves in several workers running the real worker script', async () => {
    const workers: SourceWorker[] = [];
    const createWorker = vi.fn(() => {
      const worker = new SourceWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    });
    const challenge = await classic(200_000);
    const header = await solveChallenge(challenge, { workers: 3, createWorker });
    expect(await verifyClassicSolution(header, hmacKey)).toBe(true);
    expect(createWorker).toHaveBeenCalledTimes(3);
    expect(workers.every((worker) => worker.terminated)).toBe(true);
    const scrypt = await createChallenge({
      algorithm: 'SCRYPT',
      cost: 64,
      memoryCost: 2,
      counter: 25,
      deriveKey: deriveScrypt,
      hmacSignatureSecret: hmacKey,
    });
    const scryptHeader = await solveChallenge(JSON.parse(JSON.stringify(scrypt)), {
      workers: 2,
      createWorker,
    });
    expect(await verifyV2(scryptHeader, deriveScrypt)).toBe(true);
    expect(createWorker).toHaveBeenCalledTimes(5);
  });

  it('keeps WebCrypto-bound searches (PBKDF2) off workers: WebCrypto already runs off the page', async () => {
    const createWorker = vi.fn(() => new SourceWorker() as unknown as Worker);
    const pbkdf2 = await v2('PBKDF2/SHA-256', derivePbkdf2, 200);
    expect(
      await verifyV2(await solveChallenge(pbkdf2, { workers: 2, createWorker }), derivePbkdf2),
    ).toBe(true);
    expect(createWorker).not.toHaveBeenCalled();
  });

  it('falls back to the main thread when workers fail or cannot be created', async () => {
    const failing = () => new FailingWorker() as unknown as Worker;
    const header = await solveChallenge(await classic(), { workers: 2, createWorker: failing });
    expect(await verifyClassicSolution(header, hmacKey)).toBe(true);
    const refused = () => {
      throw new DOMException('Refused by worker-src', 'SecurityError');
    };
    const again = await solveChallenge(await classic(), { workers: 2, createWorker: refused });
    expect(await verifyClassicSolution(again, hmacKey)).toBe(true);
  });

  it('yields to the page between slices on the main thread', async () => {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const challenge = await createClassicChallenge({
      hmacKey,
      maxnumber: 300_000,
      number: 299_999,
    });
    await solveChallenge(challenge, { workers: 0 });
    clearInterval(interval);
    expect(ticks).toBeGreaterThan(3);
  });

  it('gives up with pow_timeout after the time limit', async () => {
    const challenge = await createClassicChallenge({ hmacKey, maxnumber: 1e9, number: 1e9 });
    await expect(solveChallenge(challenge, { timeoutMs: 50, workers: 0 })).rejects.toMatchObject({
      code: 'pow_timeout',
    });
  });

  it('stops when aborted', async () => {
    const challenge = await createClassicChallenge({ hmacKey, maxnumber: 1e9, number: 1e9 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      solveChallenge(challenge, { signal: controller.signal, workers: 0 }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('fails with pow_failed when no counter solves it, or the challenge is unusable', async () => {
    const challenge = { ...(await classic(1_000)), challenge: '0'.repeat(64) };
    await expect(solveChallenge(challenge, { workers: 0 })).rejects.toMatchObject({
      code: 'pow_failed',
    });
    const scrypt = {
      parameters: { ...(await v2('SHA-256', deriveSha, 1)).parameters, algorithm: 'ARGON2ID' },
    };
    await expect(solveChallenge(scrypt)).rejects.toMatchObject({ code: 'pow_failed' });
  });
});
