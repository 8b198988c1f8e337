#!/usr/bin/env node
// `npm test`: every check, in order, each one reported; the last line sums the tests of the
// unit and browser runners. Every step runs even after a failure so one run shows all problems.
// The steps share one throwaway PostgreSQL and Redis (scripts/test-engines.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { startEngines } from './test-engines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const steps = [
  ['lockfile', process.execPath, ['scripts/check-lockfile.mjs']],
  ['typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
  ['lint and format', bin('biome'), ['check', '.']],
  [
    'unit tests',
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'],
  ],
  ['build', process.execPath, ['scripts/build.mjs']],
  ['bundle size', process.execPath, ['scripts/check-size.mjs']],
  ['browser tests', bin('playwright'), ['test']],
];

const outcome = [];

// One throwaway PostgreSQL and Redis for every step (the unit tests' store contract and Redis
// tests, the browser suite's fleet tests), unless the environment names them already. Every
// step inherits the two URLs; the engines stop after the last step.
let engines;
if (!process.env.INKEEP_TEST_POSTGRES_URL || !process.env.INKEEP_TEST_REDIS_URL) {
  console.log('\n== test engines (PostgreSQL, Redis)');
  try {
    engines = await startEngines({ log: (line) => console.log(line) });
    process.env.INKEEP_TEST_POSTGRES_URL ||= engines.postgresUrl;
    process.env.INKEEP_TEST_REDIS_URL ||= engines.redisUrl;
    outcome.push(['test engines', true]);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    outcome.push(['test engines', false]);
  }
}

for (const [name, command, args] of steps) {
  if (name === 'browser tests' && outcome.some(([step, ok]) => step === 'build' && !ok)) {
    outcome.push([name, false]);
    console.log(`\n== ${name}: skipped, the build failed`);
    continue;
  }
  console.log(`\n== ${name}`);
  const { status } = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  outcome.push([name, status === 0]);
}

await engines?.stop();

function counts(file, read) {
  const path = join(results, file);
  if (!existsSync(path)) return { passed: 0, failed: 0, names: [] };
  return read(JSON.parse(readFileSync(path, 'utf8')));
}
const unit = counts('unit.json', (report) => ({
  passed: report.numPassedTests ?? 0,
  failed: report.numFailedTests ?? 0,
  names: unitFailures(report),
}));
const browser = counts('e2e.json', (report) => ({
  passed: report.stats?.expected ?? 0,
  failed: (report.stats?.unexpected ?? 0) + (report.stats?.flaky ?? 0),
  names: browserFailures(report),
}));

/** Each failed vitest test (or file that failed to run) as "file › test: first message line". */
function unitFailures(report) {
  const names = [];
  for (const file of report.testResults ?? []) {
    const path = file.name ? file.name.replace(`${root}/`, '') : '?';
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed)
      names.push(`${path} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    if (failed.length === 0 && file.status === 'failed')
      names.push(`${path}: ${firstLine(file.message)}`);
  }
  return names;
}

/** Each browser test that did not pass as expected, with its first error line. */
function browserFailures(report) {
  const names = [];
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'expected' || test.status === 'skipped') continue;
        const error = test.results?.find((result) => result.error)?.error?.message;
        names.push(`${file} › ${spec.title} (${test.status}): ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, file);
  };
  for (const suite of report.suites ?? []) walk(suite, suite.file ?? suite.title);
  return names;
}

function firstLine(text) {
  const line = stripVTControlCharacters(String(text ?? ''))
    .split('\n')
    .find((part) => part.trim());
  return (line ?? '').trim().slice(0, 300);
}

console.log('\n== summary');
for (const [name, ok] of outcome) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
const failedSteps = outcome.filter(([, ok]) => !ok).length;
const passed = unit.passed + browser.passed;
const failed = unit.failed + browser.failed + failedSteps;
// CI keeps only the tail of the output: the failures are named here, last.
for (const name of [...(unit.names ?? []), ...(browser.names ?? [])])
  console.log(`failed: ${name}`);
console.log(`unit ${unit.passed} passed, browser ${browser.passed} passed`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
