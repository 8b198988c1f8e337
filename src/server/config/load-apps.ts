import { readFileSync } from 'node:fs';
import type { App } from '../apps/app.ts';
import { AppValidationError, normalizeApp } from '../apps/normalize-app.ts';
import { ConfigError } from './config-error.ts';

/** Validates the `apps` array of a config, naming the app and field of the first problem. */
export function normalizeApps(apps: unknown, source = 'config'): App[] {
  if (!Array.isArray(apps)) throw new ConfigError(`${source}: "apps" must be an array`);
  const seen = new Set<string>();
  return apps.map((input, index) => {
    const id = (input as { id?: unknown } | null)?.id;
    const label = typeof id === 'string' ? `apps[${index}] (${id})` : `apps[${index}]`;
    try {
      const app = normalizeApp(input);
      if (seen.has(app.id)) throw new AppValidationError('id', 'is used by another app');
      seen.add(app.id);
      return app;
    } catch (error) {
      if (error instanceof AppValidationError) {
        throw new ConfigError(`${source}: ${label}: ${error.message}`);
      }
      throw error;
    }
  });
}

/** Reads a `{ "apps": [...] }` config file; any problem is a {@link ConfigError}. */
export function loadAppsFile(path: string): App[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must be an object with an "apps" array`);
  }
  return normalizeApps((parsed as { apps?: unknown }).apps, path);
}
