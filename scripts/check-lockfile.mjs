#!/usr/bin/env node
// The lockfile must name no registry host: .npmrc sets omit-lockfile-registry-resolved=true.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lines = readFileSync(join(root, 'package-lock.json'), 'utf8').split('\n');
const offending = lines.filter((line) => line.includes('"resolved": "http'));
if (offending.length > 0) {
  console.error(
    `lockfile: ${offending.length} "resolved" URL(s) in package-lock.json; regenerate it with .npmrc in place`,
  );
  process.exit(1);
}
console.log('lockfile: no registry URLs');
