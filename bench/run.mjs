#!/usr/bin/env node
// `npm run bench`: runs every bench module in this folder (after the build) and prints one
// table. Each module exports `run()` returning rows of { metric, value, note? }.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const order = ['size.mjs'];
const modules = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== 'run.mjs')
  .sort((a, b) => {
    const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });

const rows = [];
for (const name of modules) {
  const started = performance.now();
  try {
    const module = await import(pathToFileURL(join(here, name)).href);
    for (const row of await module.run()) rows.push({ bench: name.replace('.mjs', ''), ...row });
  } catch (error) {
    rows.push({
      bench: name.replace('.mjs', ''),
      metric: 'error',
      value: String(error?.message ?? error),
    });
  }
  console.error(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const columns = ['bench', 'metric', 'value', 'note'];
const widths = columns.map((column) =>
  Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)),
);
const line = (cells) =>
  `| ${cells.map((cell, index) => String(cell).padEnd(widths[index])).join(' | ')} |`;
console.log(line(columns));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map((column) => row[column] ?? '')));
