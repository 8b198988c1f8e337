#!/usr/bin/env node
// Throwaway engines for the test suites: a PostgreSQL cluster and a Redis server, each on a free
// loopback port, in temporary directories, stopped by pid and removed at the end. Installs
// Debian's packages when they are missing (as root). Run directly, it starts both, prints their
// URLs and waits for Ctrl+C:
//
//   node scripts/test-engines.mjs
//
// Used by scripts/test.mjs (once for every step), test/setup/engines.ts (Vitest) and
// e2e/global-setup.ts (Playwright) when INKEEP_TEST_POSTGRES_URL / INKEEP_TEST_REDIS_URL are unset.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const isRoot = process.getuid?.() === 0;
const quietEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', LANG: 'C' };

/** The bin directory of the newest PostgreSQL Debian installed, or undefined. */
function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(base, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

function findRedisServer() {
  for (const path of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (existsSync(path)) return path;
  }
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

function run(command, args, log) {
  log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: quietEnv,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
}

/** Installs PostgreSQL and Redis with apt when either is missing. */
function ensureBinaries(log) {
  let postgresBin = findPostgresBin();
  let redisServer = findRedisServer();
  if (postgresBin && redisServer) return { postgresBin, redisServer };
  const missing = [!postgresBin && 'postgresql', !redisServer && 'redis-server'].filter(Boolean);
  if (!isRoot) {
    throw new Error(
      `${missing.join(' and ')} missing: run "sudo apt-get install -y --no-install-recommends postgresql redis-server", or set INKEEP_TEST_POSTGRES_URL and INKEEP_TEST_REDIS_URL`,
    );
  }
  run('apt-get', ['update', '-qq'], log);
  run(
    'apt-get',
    [
      'install',
      '-y',
      '-qq',
      '--no-install-recommends',
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
      'postgresql',
      'redis-server',
    ],
    log,
  );
  postgresBin = findPostgresBin();
  redisServer = findRedisServer();
  if (!postgresBin || !redisServer) {
    throw new Error(
      'apt-get installed postgresql and redis-server, but their binaries are not found',
    );
  }
  return { postgresBin, redisServer };
}

/** The uid and gid of a user, from `id` (undefined when there is no such user). */
function userIds(name) {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A started child process with its output kept for error messages. */
function launch(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data) => {
    output += data.toString();
    if (output.length > 20_000) output = output.slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(`${error.message}\n`));
  return {
    child,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}

/** Waits until `probe` resolves true, the process exits, or `timeoutMs` passes. */
async function waitUntil(name, process_, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process_.exited()) throw new Error(`${name} exited at start:\n${process_.output()}`);
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${name} did not answer within ${timeoutMs / 1000} s:\n${process_.output()}`);
}

/** Sends PING to a Redis server; true on +PONG. */
function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Connects to PostgreSQL and runs `select 1`; true when it answers. */
async function postgresAnswers(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Stops a child by pid: `signal` first, SIGKILL when it has not exited after `graceMs`. */
async function stopChild(process_, signal, graceMs = 5000) {
  const { child } = process_;
  if (process_.exited() || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(child.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (!process_.exited() && child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {}
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

async function startPostgres(postgresBin, log) {
  const dir = mkdtempSync(join(tmpdir(), 'inkeep-test-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const ids = isRoot ? userIds('postgres') : undefined;
  if (isRoot && !ids) throw new Error('the postgres user is missing (apt-get install postgresql)');
  if (ids) chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o700);
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const env = { ...quietEnv, HOME: dir, PGDATA: data };
  const init = spawnSync(
    join(postgresBin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...as },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed:\n${init.error?.message ?? ''}${init.stdout}${init.stderr}`);
  }
  // A free port may be taken between the probe and the start: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = launch(
      join(postgresBin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { cwd: dir, env, ...as },
    );
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    try {
      await waitUntil('postgres', server, () => postgresAnswers(url));
      log(`PostgreSQL on ${url} (pid ${server.child.pid})`);
      return { url, dir, server };
    } catch (error) {
      await stopChild(server, 'SIGKILL');
      if (attempt >= 3 || !/already in use|could not (bind|create)/i.test(server.output())) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function startRedis(redisServer, log) {
  const dir = mkdtempSync(join(tmpdir(), 'inkeep-test-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = launch(
      redisServer,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--databases',
        '64',
      ],
      { cwd: dir, env: quietEnv },
    );
    try {
      await waitUntil('redis-server', server, () => redisAnswers(port));
      const url = `redis://127.0.0.1:${port}`;
      log(`Redis on ${url} (pid ${server.child.pid})`);
      return { url, dir, server };
    } catch (error) {
      await stopChild(server, 'SIGKILL');
      if (attempt >= 3 || !/in use|bind/i.test(server.output())) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/**
 * Starts a throwaway PostgreSQL (database and user `postgres`, trust auth, fsync off) and a
 * Redis without persistence, each on a free 127.0.0.1 port.
 * @returns their URLs and `stop()`, which stops both by pid and removes their directories.
 */
export async function startEngines({ log = () => {} } = {}) {
  const { postgresBin, redisServer } = ensureBinaries(log);
  const started = [];
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', onExit);
      // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
      await Promise.all(
        started.map(({ server, kind }) =>
          stopChild(server, kind === 'postgres' ? 'SIGINT' : 'SIGTERM'),
        ),
      );
      for (const { dir } of started) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  // If the runner exits without calling stop(), leave nothing running behind.
  const onExit = () => {
    for (const { server, dir } of started) {
      try {
        if (!server.exited() && server.child.pid) process.kill(server.child.pid, 'SIGKILL');
      } catch {}
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {}
    }
  };
  process.on('exit', onExit);
  const [postgres, redis] = await Promise.allSettled([
    startPostgres(postgresBin, log).then((engine) => {
      started.push({ ...engine, kind: 'postgres' });
      return engine;
    }),
    startRedis(redisServer, log).then((engine) => {
      started.push({ ...engine, kind: 'redis' });
      return engine;
    }),
  ]);
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    await stop();
    throw postgres.status === 'rejected' ? postgres.reason : redis.reason;
  }
  return { postgresUrl: postgres.value.url, redisUrl: redis.value.url, stop };
}

/**
 * Creates (or re-creates, empty) the database `name` on the server of `postgresUrl`.
 * @returns the URL of the new database.
 */
export async function createDatabase(postgresUrl, name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const engines = await startEngines({ log: (line) => console.log(line) });
  console.log(`INKEEP_TEST_POSTGRES_URL=${engines.postgresUrl}`);
  console.log(`INKEEP_TEST_REDIS_URL=${engines.redisUrl}`);
  console.log('Ctrl+C stops both.');
  const shutdown = () => engines.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
