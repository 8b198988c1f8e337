// Bodies are read by jsonBody before a route's schema validates them: bounded, parsed as JSON
// whatever their Content-Type (as the Run API always did), and refused in the contract's shape.
import { describe, expect, it } from 'vitest';
import { createTestApp, getToken, requestChat } from '../helpers.ts';

const ask = { messages: [{ role: 'user', content: 'hi' }], stream: false };

describe('JSON bodies of schema-declared routes', () => {
  it('are taken as JSON whatever the Content-Type, or with none', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
      const response = await requestChat(app, token, ask, { headers: { 'content-type': type } });
      expect(response.status, type).toBe(200);
    }
    const adminKey = 'admin-key-admin-key-admin-key-0123456789';
    const admin = createTestApp({ env: { INKEEP_ADMIN_API_KEY: adminKey } });
    const created = await admin.request('/manage/tenants/default/projects/default/apps', {
      method: 'POST',
      headers: { 'x-api-key': adminKey },
      body: JSON.stringify({ name: 'No type' }),
    });
    expect(created.status).toBe(201);
  });

  it('refuse a malformed conversation id naming it, continue a new well-formed one, take a blank one as none', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    for (const conversationId of ['conv_nope', 'x'.repeat(200)]) {
      const response = await requestChat(app, token, { ...ask, conversationId });
      expect(response.status, conversationId).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'bad_request' });
    }
    // A well-formed id never used, not of the server's own form, is the client's: the
    // conversation starts under it.
    const fresh = `conv_${'A'.repeat(20)}`;
    const started = await requestChat(app, token, { ...ask, conversationId: fresh });
    expect(started.status).toBe(200);
    expect(started.headers.get('x-inkeep-conversation-id')).toBe(fresh);
    await started.text();
    const blank = await requestChat(app, token, { ...ask, conversationId: '' });
    expect(blank.status).toBe(200);
    expect(blank.headers.get('x-inkeep-conversation-id')).toMatch(/^conv_/);
    const wrongType = await requestChat(app, token, { ...ask, conversationId: 7 });
    expect(await wrongType.json()).toMatchObject({
      code: 'bad_request',
      detail: 'conversationId must be a string',
    });
  });

  it('name the text part of a content array that is not one', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    const response = await requestChat(app, token, {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url' }] }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'bad_request',
      detail: 'messages[0].content[1] must be a text part',
    });
  });
});
