// Real clients over a real loopback socket: the official openai SDK and altcha-lib's solver.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import {
  type ClassicChallenge,
  demoOrigin,
  secret,
  solveClassicChallenge,
  testApps,
  withTestLog,
} from './helpers.ts';

const powSecret = 'pow-secret-pow-secret-pow-secret-0123';
let server: RunningServer;

beforeAll(async () => {
  server = await startServer(
    withTestLog({
      port: 0,
      host: '127.0.0.1',
      apps: testApps,
      env: { INKEEP_POW_HMAC_SECRET: powSecret, INKEEP_POW_DIFFICULTY: '5000' },
      settings: { jwtSecret: secret, tokenDelayMs: 1 },
      onWarning: () => {},
    }),
  );
});
afterAll(() => server?.close());

async function sessionWithPow(): Promise<string> {
  const challenge = await (await fetch(`${server.url}/run/auth/pow/challenge`)).json();
  // altcha-lib's own solver, not ours: a real client of the challenge format.
  const header = await solveClassicChallenge(challenge as ClassicChallenge);
  const response = await fetch(`${server.url}/run/auth/apps/app_demo/anonymous-session`, {
    method: 'POST',
    headers: {
      origin: demoOrigin,
      'content-type': 'application/json',
      'x-inkeep-challenge-solution': header,
    },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('real clients', () => {
  it('prints a loopback URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('accepts a challenge solved by altcha-lib’s own solver, once', async () => {
    expect(await sessionWithPow()).toMatch(/^ey/);
  });

  it('streams a reply to the official openai SDK', async () => {
    const token = await sessionWithPow();
    const client = new OpenAI({
      apiKey: token,
      baseURL: `${server.url}/run/v1`,
      defaultHeaders: { 'x-inkeep-app-id': 'app_demo', origin: demoOrigin },
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'inkeep-scripted',
      messages: [{ role: 'user', content: 'What is Inkeep?' }],
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toContain('What is Inkeep?');
    expect(finish).toBe('stop');

    const whole = await client.chat.completions.create({
      model: 'inkeep-scripted',
      messages: [{ role: 'user', content: 'Once more' }],
    });
    expect(whole.choices[0]?.message.content).toContain('Once more');
  });

  it('gives the SDK a typed 401 for a bad token', async () => {
    const client = new OpenAI({
      apiKey: 'bad',
      baseURL: `${server.url}/run/v1`,
      defaultHeaders: { 'x-inkeep-app-id': 'app_demo', origin: demoOrigin },
      maxRetries: 0,
    });
    await expect(
      client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
