#!/usr/bin/env node
// Installs what is missing, so `npm start` and `npm test` work on a fresh Debian machine:
// the npm packages (when node_modules is absent or older than package-lock.json) and, with
// --browser, Debian's Chromium for the Playwright suite.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = '/usr/bin/chromium';

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function ensurePackages() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = join(root, 'node_modules', '.inkeep-chat-lock-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  // `npm install`, not `npm ci`: some optional per-platform binaries (e.g. Biome's for other
  // systems) are absent from the registry this project installs from, so the lockfile cannot
  // list them and `npm ci` would refuse it. With an up-to-date lockfile, install changes nothing.
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

function ensureChromium() {
  if (existsSync(chromium)) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `Chromium is missing: run "sudo apt-get install -y --no-install-recommends chromium", then npm test again.`,
    );
    process.exit(1);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
}

ensurePackages();
if (process.argv.includes('--browser')) ensureChromium();
