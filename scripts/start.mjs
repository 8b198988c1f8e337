#!/usr/bin/env node
// `npm start`: builds, then runs the Run API server on 127.0.0.1:3003 and the demo site on
// 127.0.0.1:5173 (a different origin, as a real embedding is), and prints both URLs.
// PORT / DEMO_PORT override the ports; Ctrl+C stops both. The signed-in page's key pair is made
// here, fresh each run: the server gets its public half in a temporary copy of demo/apps.json.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSignedInDemo } from '../demo/prepare-signed-in-demo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const host = '127.0.0.1';
const apiPort = process.env.PORT ?? '3003';
const demoPort = process.env.DEMO_PORT ?? '5173';
const apiUrl = `http://${host}:${apiPort}`;

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const signedIn = await prepareSignedInDemo();

const env = {
  ...process.env,
  // A development secret per run unless one is given: sessions last until the next restart.
  INKEEP_ANON_JWT_SECRET: process.env.INKEEP_ANON_JWT_SECRET ?? randomBytes(32).toString('hex'),
  // Proof of work on, as in production: the demo shows the whole anonymous-session flow.
  INKEEP_POW_HMAC_SECRET: process.env.INKEEP_POW_HMAC_SECRET ?? randomBytes(32).toString('hex'),
};
const children = [
  spawn(
    process.execPath,
    ['dist/server/cli.js', '--port', apiPort, '--host', host, '--config', signedIn.configPath],
    // stdout is watched for the listening line (the embedded database takes a few seconds).
    { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] },
  ),
  spawn(
    process.execPath,
    ['demo/serve.mjs', '--port', demoPort, '--host', host, '--server', apiUrl],
    { cwd: root, env: { ...process.env, ...signedIn.env }, stdio: 'inherit' },
  ),
];

let output = '';
children[0].stdout.on('data', (data) => {
  process.stdout.write(data);
  if (output.includes('listening on')) return;
  output += data.toString();
  if (output.includes('listening on')) printUrls();
});

function printUrls() {
  const signIn = process.env.INKEEP_ADMIN_API_KEY
    ? 'sign in with your INKEEP_ADMIN_API_KEY'
    : 'set INKEEP_ADMIN_API_KEY before npm start to sign in';
  console.log(
    `\n  Run API server: ${apiUrl}\n  Demo site:      http://${host}:${demoPort}\n  Dashboard:      ${apiUrl}/manage/ (${signIn})\n`,
  );
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  signedIn.cleanup();
  setTimeout(() => process.exit(code), 300);
}
for (const child of children) child.once('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
