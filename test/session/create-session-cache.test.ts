import 'fake-indexeddb/auto';
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { createSessionCache } from '../../src/session/create-session-cache.ts';

const session = { token: 'jwt', expiresAt: 1_000 };

describe('createSessionCache', () => {
  it('keeps sessions in IndexedDB, where a second cache (another tab) reads them', async () => {
    const cache = createSessionCache();
    await cache.set('https://api.test app_1', session);
    expect(await createSessionCache().get('https://api.test app_1')).toEqual(session);
    await cache.delete('https://api.test app_1');
    expect(await createSessionCache().get('https://api.test app_1')).toBeUndefined();
  });

  it('uses its own database, not idb-keyval’s default one', async () => {
    await createSessionCache().set('k', session);
    const own = createStore('inkeep-chat', 'sessions');
    expect(await own('readonly', (store) => promisifyRequest(store.get('k')))).toEqual(session);
  });

  it('works from memory when IndexedDB is missing', async () => {
    const cache = createSessionCache({ store: null });
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', session);
    expect(await cache.get('k')).toEqual(session);
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('falls back to memory when IndexedDB throws', async () => {
    let calls = 0;
    const throwing: UseStore = async () => {
      calls++;
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    };
    const cache = createSessionCache({ store: throwing });
    await cache.set('k', session);
    expect(await cache.get('k')).toEqual(session);
    // After the first failure IndexedDB is not tried again.
    expect(calls).toBe(1);
  });

  it('falls back to memory when IndexedDB never answers (blocked)', async () => {
    const blocked: UseStore = () => new Promise(() => {});
    const cache = createSessionCache({ store: blocked, timeoutMs: 20 });
    await cache.set('k', session);
    expect(await cache.get('k')).toEqual(session);
  });

  it('ignores malformed stored values', async () => {
    const store = createStore('inkeep-chat-test', 'sessions');
    await store('readwrite', (objects) => objects.put({ token: 3 }, 'k'));
    expect(await createSessionCache({ store }).get('k')).toBeUndefined();
  });
});
