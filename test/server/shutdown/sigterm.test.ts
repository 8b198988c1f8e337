// SIGTERM over real sockets: `inkeep-chat-server` runs in a child process (bundled from source
// with esbuild), a visitor's answer is streaming, the process gets SIGTERM. The instance must
// turn unready, refuse new requests with 503, let the answer finish within the grace period (or
// end it as interrupted at the deadline), exit 0, and a restart on the same data must hold what
// was answered.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseData } from '../helpers.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const jwtSecret = 'sigterm-jwt-sigterm-jwt-sigterm-jwt-sigterm';
const origin = 'http://localhost:5173';
let bundleDir: string;
let cli: string;
const folders: string[] = [];

beforeAll(async () => {
  // Inside the project, so the bundle's bare imports resolve from its node_modules.
  mkdirSync(join(root, '.vite'), { recursive: true });
  bundleDir = mkdtempSync(join(root, '.vite', 'sigterm-'));
  cli = join(bundleDir, 'cli.mjs');
  await build({
    entryPoints: [join(root, 'src/server/cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
});

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Child {
  url: string;
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts the CLI on a free port over `dataDir`; resolves once it prints its URL. */
function startCli(dataDir: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--data', dataDir, '--config', join(root, 'demo/apps.json')],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        INKEEP_ANON_JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        child.stdout?.off('data', listen);
        child.stdout?.on('data', (more: Buffer) => {
          output += more.toString();
        });
        resolve({ url, process: child, output: () => output, exited });
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}):\n${output}`)));
  });
}

async function session(url: string): Promise<{ token: string; sub: string }> {
  const response = await fetch(`${url}/run/auth/apps/app_demo/anonymous-session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: '',
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const { sub } = JSON.parse(atob(token.split('.')[1] ?? '')) as { sub: string };
  return { token, sub };
}

const visitor = (token: string) => ({
  authorization: `Bearer ${token}`,
  'x-inkeep-app-id': 'app_demo',
  origin,
  'content-type': 'application/json',
});

/** Polls `/readyz` until the instance says it is draining (the signal is handled async). */
async function untilDraining(url: string): Promise<Response> {
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    if (response.status === 503) return response;
    await response.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads a streamed answer to its end; `onFirst` runs once the first bytes arrived. */
async function readStream(response: Response, onFirst: () => void): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    if (first && text.includes('data: ')) {
      first = false;
      onFirst();
    }
  }
}

/** The stored conversation, asked of a fresh instance over the same data. */
async function storedAnswer(dataDir: string, token: string, id: string) {
  const again = await startCli(dataDir, {});
  try {
    const response = await fetch(`${again.url}/run/v1/conversations/${id}`, {
      headers: visitor(token),
    });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as {
      data: { messages: { role: string; content: string }[] };
    };
    return data.messages;
  } finally {
    again.process.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }
}

function streamedContent(text: string): string {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as { choices?: { delta?: { content?: string } }[] })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');
}

describe('SIGTERM', () => {
  it('drains: the answer in flight finishes, new requests get 503, the process exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'inkeep-sigterm-'));
    folders.push(dataDir);
    // About a hundred tokens at 100 ms: the answer is still streaming when the signal comes and
    // while the checks run (seconds of slack on a busy machine), and ends well within the 60 s
    // grace period.
    const child = await startCli(dataDir, {
      INKEEP_RESPONDER_TOKEN_DELAY_MS: '100',
      INKEEP_SHUTDOWN_GRACE_SECONDS: '60',
    });
    const { token } = await session(child.url);
    const response = await fetch(`${child.url}/run/v1/chat/completions`, {
      method: 'POST',
      headers: visitor(token),
      body: JSON.stringify({ messages: [{ role: 'user', content: 'drain me' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const conversationId = response.headers.get('x-inkeep-conversation-id') ?? '';
    let checks: Promise<void> | undefined;
    const text = await readStream(response, () => {
      child.process.kill('SIGTERM');
      checks = (async () => {
        const ready = await untilDraining(child.url);
        expect(await ready.json()).toMatchObject({ code: 'draining' });
        const refused = await fetch(`${child.url}/run/v1/conversations`, {
          headers: visitor(token),
        });
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(await refused.json()).toMatchObject({ code: 'shutting_down' });
        // Liveness stays up while draining.
        expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
      })();
    });
    await checks;
    expect(sseData(text).at(-1)).toBe('[DONE]');
    expect(await child.exited).toBe(0);

    // Every log line is JSON; the secret and the visitor's token appear in none.
    const lines = child
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(child.output()).not.toContain(jwtSecret);
    expect(child.output()).not.toContain(token);

    const messages = await storedAnswer(dataDir, token, conversationId);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]?.content).toBe(streamedContent(text));
  });

  it('ends an answer still running at the deadline as interrupted, stores it, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'inkeep-sigterm-'));
    folders.push(dataDir);
    // About a hundred tokens at 500 ms: far longer than the 1 s grace period.
    const child = await startCli(dataDir, {
      INKEEP_RESPONDER_TOKEN_DELAY_MS: '500',
      INKEEP_SHUTDOWN_GRACE_SECONDS: '1',
    });
    const { token } = await session(child.url);
    const response = await fetch(`${child.url}/run/v1/chat/completions`, {
      method: 'POST',
      headers: visitor(token),
      body: JSON.stringify({ messages: [{ role: 'user', content: 'cut me' }], stream: true }),
    });
    const conversationId = response.headers.get('x-inkeep-conversation-id') ?? '';
    const text = await readStream(response, () => child.process.kill('SIGTERM'));
    // Neither a stop chunk nor [DONE]: the widget marks the answer interrupted.
    expect(sseData(text)).not.toContain('[DONE]');
    expect(text).not.toContain('"finish_reason":"stop"');
    expect(await child.exited).toBe(0);
    const said = streamedContent(text);
    expect(said.length).toBeGreaterThan(0);
    const messages = await storedAnswer(dataDir, token, conversationId);
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: said });
  });
});
