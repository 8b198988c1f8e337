// The deployment recipe stays true: the README's environment reference names every variable the
// server reads (and nothing it does not read), and the recipe's files exist and agree with it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/server/config/read-settings.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const variableName = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{4,}$/;

/**
 * The variables the server reads: every quoted name read-settings.ts passes to its readers
 * (`integer(env, 'NAME', …)`, …), and every `env.NAME`, `env['NAME']` or `process.env.NAME`
 * anywhere in src/server.
 */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const settings = read('src/server/config/read-settings.ts');
  for (const [, name] of settings.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) {
    if (name && variableName.test(name)) names.add(name);
  }
  for (const file of sourceFiles('src/server')) {
    const text = read(file);
    for (const [, name] of text.matchAll(/\benv(?:\?)?\.([A-Z][A-Z0-9_]+)\b/g)) {
      if (name) names.add(name);
    }
    for (const [, name] of text.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) {
      if (name) names.add(name);
    }
  }
  return names;
}

/** The variables in the README's "Environment reference" table, with their row's cells. */
function variablesDocumented(): Map<string, string[]> {
  const readme = read('README.md');
  const start = readme.indexOf('### Environment reference');
  expect(start, 'README has an "Environment reference" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n#', start + 1);
  const rows = new Map<string, string[]>();
  for (const line of readme.slice(start, end === -1 ? undefined : end).split('\n')) {
    const match = /^\| `([A-Z][A-Z0-9_]+)`/.exec(line);
    if (match?.[1])
      rows.set(
        match[1],
        line
          .split('|')
          .map((cell) => cell.trim())
          .slice(1, -1),
      );
  }
  return rows;
}

describe('the deployment recipe', () => {
  it('documents every variable the server reads', () => {
    const documented = variablesDocumented();
    const missing = [...variablesRead()].filter((name) => !documented.has(name)).sort();
    expect(
      missing,
      `README "Environment reference" lacks a row for: ${missing.join(', ')} (variable | default | same on every instance | meaning)`,
    ).toEqual([]);
  });

  it('documents no variable the server does not read', () => {
    const read = variablesRead();
    const server = sourceFiles('src/server').map((file) => readFileSync(join(root, file), 'utf8'));
    const unknown = [...variablesDocumented().keys()]
      .filter((name) => !read.has(name) && !server.some((text) => text.includes(`'${name}'`)))
      .sort();
    expect(
      unknown,
      `README "Environment reference" documents variables the server never reads: ${unknown.join(', ')}`,
    ).toEqual([]);
  });

  it('gives each variable a default, whether it must match across instances, and a meaning', () => {
    for (const [name, cells] of variablesDocumented()) {
      expect(cells, name).toHaveLength(4);
      const [, fallback, same, meaning] = cells;
      expect(fallback, `${name}: default`).not.toBe('');
      expect(['yes', 'should', 'no'], `${name}: same on every instance`).toContain(same);
      expect(meaning, `${name}: meaning`).not.toBe('');
    }
  });

  it('ships a Dockerfile, a compose file with PostgreSQL and Redis, a systemd unit and an env sample', () => {
    const dockerfile = read('deploy/Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('dist/server/cli.js');
    expect(read('.dockerignore')).toMatch(/^node_modules$/m);
    const compose = read('deploy/compose.yaml');
    for (const part of [
      'postgres:',
      'redis:',
      'inkeep-1:',
      'inkeep-2:',
      'DATABASE_URL',
      'REDIS_URL',
    ]) {
      expect(compose).toContain(part);
    }
    const unit = read('deploy/inkeep-chat.service');
    expect(unit).toMatch(/^ExecStart=.*dist\/server\/cli\.js/m);
    expect(unit).toMatch(/^EnvironmentFile=/m);
    // The sample names only variables the server reads (commented or not).
    const known = variablesDocumented();
    const sample = [...read('deploy/inkeep-chat.env').matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)]
      .map(([, name]) => name as string)
      .filter((name) => name !== 'POSTGRES_PASSWORD');
    expect(sample.filter((name) => !known.has(name))).toEqual([]);
    // And the README says plainly that the containers were not run here.
    expect(read('README.md')).toContain('were not run in this project');
  });

  it('passes the env file to the containers and stops later than the grace period ends', () => {
    const compose = read('deploy/compose.yaml');
    // The env file reaches the instances; their own in-network URLs win over it.
    expect(compose).toMatch(/^ {2}env_file:\n {4}- \.env$/m);
    expect(compose).toMatch(
      /^ {2}environment:\n(?: {4}.*\n)*? {4}DATABASE_URL: postgres:\/\/.*@postgres:/m,
    );
    // Grace period + at least 15 s to interrupt what is left, flush and close.
    const graceSeconds = readSettings({}).settings.shutdownGraceSeconds;
    const composeStop = /^ {2}stop_grace_period: (\d+)s$/m.exec(compose)?.[1];
    expect(Number(composeStop)).toBeGreaterThanOrEqual(graceSeconds + 15);
    const unit = read('deploy/inkeep-chat.service');
    const unitStop = /^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1];
    expect(Number(unitStop)).toBeGreaterThanOrEqual(graceSeconds + 15);
    // The apps file ExecStart reads is installed by the steps.
    const config = /^ExecStart=.*--config (\S+)/m.exec(unit)?.[1] ?? '';
    expect(config).not.toBe('');
    expect(unit).toContain(`install -D -m 0644 demo/apps.json ${config}`);
    expect(read('README.md')).toContain(`install -D -m 0644 demo/apps.json ${config}`);
  });
});
