// Bundle size: gzip (-9) and brotli (max) of the script-tag bundle, beside the peers'
// published script-tag bundles (gzip -9, as measured for the project's size goal).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const peers = [
  ['deep-chat 2.4.2', 110.6],
  ['Typebot 0.10.7', 196.4],
  ['Flowise 3.1.6', 283.8],
  ['Inkeep cxkit-js 0.5.64', 437.8],
];

export async function run() {
  const bundle = readFileSync(join(root, 'dist/inkeep-chat.js'));
  const gzip = gzipSync(bundle, { level: constants.Z_BEST_COMPRESSION }).length;
  const brotli = brotliCompressSync(bundle, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).length;
  return [
    { metric: 'inkeep-chat.js gzip', value: kb(gzip), note: `${gzip} B; budget 30 KB` },
    { metric: 'inkeep-chat.js brotli', value: kb(brotli), note: `${brotli} B` },
    { metric: 'inkeep-chat.js raw', value: kb(bundle.length) },
    ...peers.map(([name, size]) => ({
      metric: `peer: ${name} gzip`,
      value: `${size} KB`,
      note: `${(size / (gzip / 1024)).toFixed(1)}x ours`,
    })),
  ];
}
