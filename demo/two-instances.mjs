#!/usr/bin/env node
// Two Run API server instances acting as one, behind a tiny round-robin proxy on one port:
//
//   DATABASE_URL=postgres://… REDIS_URL=redis://… node demo/two-instances.mjs [--port 3003]
//
// Both instances share DATABASE_URL (conversations, apps, keys) and REDIS_URL (replay memory,
// rate limits, change notices), so a visitor can be served by either on every request. The proxy
// streams bodies both ways, forwards headers, appends the client's address to X-Forwarded-For
// (the instances run with --trust-proxy) and names the instance that answered in
// `x-inkeep-instance`. Needs `npm run build` first. Ctrl+C stops all three.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/server/cli.js');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3003' },
    host: { type: 'string', default: '127.0.0.1' },
    config: { type: 'string', default: join(root, 'demo/apps.json') },
    responder: { type: 'string' },
  },
});

function fail(message) {
  console.error(`two-instances: ${message}`);
  process.exit(1);
}
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  fail(
    'set DATABASE_URL (PostgreSQL) and REDIS_URL: without them each instance keeps its own state',
  );
}
if (!existsSync(cli)) fail('dist/server/cli.js is missing: run "npm run build" first');

const children = [];
let stopping = false;
/** The proxy, once both instances listen. */
let server;

/** Starts one instance on a free loopback port; resolves with its URL. */
function startInstance(number) {
  const args = [
    cli,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--trust-proxy',
    '--config',
    values.config,
  ];
  if (values.responder) args.push('--responder', values.responder);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let pending = '';
    let url;
    const onLine = (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (!url && match) {
        url = match[1];
        console.log(`instance ${number} (pid ${child.pid}) at ${url}`);
        resolve(url);
      } else if (line.trim()) {
        // Prefixed, and never a second "listening on" line for whoever reads ours.
        console.log(`[${number}] ${line.replace(/listening on/g, 'listening at')}`);
      }
    };
    const onData = (data) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!url)
        reject(new Error(`instance ${number} exited with ${signal ?? code} before listening`));
      else if (!stopping) {
        console.error(`two-instances: instance ${number} exited (${signal ?? code}); stopping`);
        stop(1);
      }
    });
  });
}

// Hop-by-hop headers belong to one connection and are not forwarded.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
function forwardable(headers) {
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name.toLowerCase()) && value !== undefined) kept[name] = value;
  }
  return kept;
}

function proxy(upstreams) {
  let next = 0;
  return createServer((incoming, outgoing) => {
    const index = next;
    next = (next + 1) % upstreams.length;
    const target = new URL(incoming.url ?? '/', upstreams[index]);
    const headers = forwardable(incoming.headers);
    const client = incoming.socket.remoteAddress ?? '';
    const before = incoming.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = before ? `${before}, ${client}` : client;
    headers.host = target.host;
    const upstream = httpRequest(target, { method: incoming.method, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, {
        ...forwardable(answer.headers),
        'x-inkeep-instance': String(index + 1),
      });
      // Streamed as it arrives (server-sent events included).
      outgoing.flushHeaders();
      answer.pipe(outgoing);
      answer.on('error', () => outgoing.destroy());
    });
    upstream.on('error', () => {
      if (outgoing.headersSent) {
        outgoing.destroy();
        return;
      }
      outgoing.writeHead(502, { 'content-type': 'application/problem+json' });
      outgoing.end(
        JSON.stringify({
          title: 'Bad Gateway',
          status: 502,
          detail: `instance ${index + 1} did not answer`,
          code: 'upstream_error',
          error: {
            code: 'upstream_error',
            message: `instance ${index + 1} did not answer`,
            status: 502,
          },
        }),
      );
    });
    // A client that goes away stops the instance's work too (e.g. a streamed answer).
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy();
    });
    incoming.pipe(upstream);
  });
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {}
    }
  }
  server?.close();
  const left = children.filter((child) => child.exitCode === null && child.signalCode === null);
  if (left.length === 0) process.exit(code);
  let waiting = left.length;
  for (const child of left) {
    child.once('exit', () => {
      if (--waiting === 0) process.exit(code);
    });
  }
  setTimeout(() => {
    for (const child of left) {
      try {
        if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
    process.exit(code);
  }, 5000).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('exit', () => {
  for (const child of children) {
    try {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        process.kill(child.pid, 'SIGKILL');
      }
    } catch {}
  }
});

try {
  // One after the other: the first brings the schema up to date, the second finds it ready.
  const first = await startInstance(1);
  const second = await startInstance(2);
  server = proxy([first, second]);
  server.listen(Number(values.port), values.host, () => {
    const { port } = server.address();
    console.log(`two-instances listening on http://${values.host}:${port}`);
  });
  server.on('error', (error) => {
    console.error(`two-instances: ${error.message}`);
    stop(1);
  });
} catch (error) {
  console.error(`two-instances: ${error.message}`);
  stop(1);
}
