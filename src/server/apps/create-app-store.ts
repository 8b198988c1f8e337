import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { createWriteQueue } from '../storage/create-write-queue.ts';
import { writeFileAtomic } from '../storage/write-file-atomic.ts';
import type { App } from './app.ts';
import { normalizeApp } from './normalize-app.ts';

/** Where apps live: looked up on every request, changed by the manage API. */
export interface AppStore {
  get(id: string): App | undefined;
  list(tenantId: string, projectId: string): App[];
  /** Creates or replaces an app; resolves once it is durable. */
  put(app: App): Promise<void>;
  /** Removes an app; resolves to false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** Options of {@link createAppStore}. */
export interface AppStoreOptions {
  /** Apps from the config file; they override stored apps with the same id at start. */
  apps?: readonly App[];
  /** With a folder, apps are kept in `apps.json` there (atomic writes) and reloaded at start. */
  dataDir?: string | undefined;
}

function loadStoredApps(path: string): App[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as { apps?: unknown };
    if (!Array.isArray(parsed.apps)) throw new Error('"apps" is not an array');
    return parsed.apps.map((app) => normalizeApp(app));
  } catch (error) {
    throw new ConfigError(`${path} is not a valid apps file: ${(error as Error).message}`);
  }
}

/** Creates the app store, in memory or persisted in `dataDir`. */
export function createAppStore({ apps = [], dataDir }: AppStoreOptions = {}): AppStore {
  const path = dataDir ? join(dataDir, 'apps.json') : undefined;
  const byId = new Map<string, App>();
  if (path) for (const app of loadStoredApps(path)) byId.set(app.id, app);
  for (const app of apps) byId.set(app.id, structuredClone(app));
  const queue = createWriteQueue(async () => {
    if (path)
      await writeFileAtomic(path, `${JSON.stringify({ apps: [...byId.values()] }, null, 2)}\n`);
  });
  return {
    get: (id) => byId.get(id),
    list: (tenantId, projectId) =>
      [...byId.values()].filter((app) => app.tenantId === tenantId && app.projectId === projectId),
    async put(app) {
      byId.set(app.id, structuredClone(app));
      await queue.save();
    },
    async delete(id) {
      if (!byId.delete(id)) return false;
      await queue.save();
      return true;
    },
  };
}
