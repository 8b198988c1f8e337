import { describe, expect, it } from 'vitest';
import { createConversationStore } from '../../../src/server/index.ts';

describe('createConversationStore', () => {
  it('drops the least recently updated conversation beyond the cap', async () => {
    let now = 0;
    const store = createConversationStore({ maxConversations: 2, now: () => (now += 1000) });
    const owner = { sub: 'anon_1', appId: 'app_demo' };
    const first = store.create(owner, 'one');
    await store.append(first, [{ role: 'user', content: 'one' }]);
    const second = store.create(owner, 'two');
    await store.append(second, [{ role: 'user', content: 'two' }]);
    await store.append(first, [{ role: 'assistant', content: 'again' }]);
    const third = store.create(owner, 'three');
    await store.append(third, [{ role: 'user', content: 'three' }]);
    expect(store.size).toBe(2);
    expect(store.get(second.id, owner)).toBeUndefined();
    expect(store.get(first.id, owner)).toBeDefined();
    expect(store.list(owner, 1, 10).items.map((item) => item.title)).toEqual(['three', 'one']);
  });

  it('scopes by app as well as visitor', async () => {
    const store = createConversationStore();
    const conversation = store.create({ sub: 'anon_1', appId: 'app_a' }, 't');
    await store.append(conversation, [{ role: 'user', content: 'x' }]);
    expect(store.get(conversation.id, { sub: 'anon_1', appId: 'app_b' })).toBeUndefined();
    expect(store.list({ sub: 'anon_1', appId: 'app_b' }, 1, 10).total).toBe(0);
  });
});
