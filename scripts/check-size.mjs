#!/usr/bin/env node
// The script-tag bundle's hard size budget, in gzip bytes (gzip -9), checked by `npm test`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

export const budgetBytes = 30 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = readFileSync(join(root, 'dist/inkeep-chat.js'));
const gzip = gzipSync(bundle, { level: constants.Z_BEST_COMPRESSION }).length;
const verdict = gzip <= budgetBytes ? 'within' : 'OVER';
console.log(
  `size: dist/inkeep-chat.js ${bundle.length} B raw, ${gzip} B gzip: ${verdict} the ${budgetBytes} B budget`,
);
if (gzip > budgetBytes) process.exit(1);
