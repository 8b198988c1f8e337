import { type App, type AppConfig, type AppType, maxSystemPromptLength } from './app.ts';
import { parseDomainRule } from './is-origin-allowed.ts';

const idPattern = /^app_[A-Za-z0-9_-]{1,64}$/;
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Why an app definition was refused: the field and what is wrong with it. */
export class AppValidationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'AppValidationError';
    this.field = field;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(input: Record<string, unknown>, field: string, fallback: string): string {
  const value = input[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new AppValidationError(field, 'must be a non-empty string');
  }
  return value;
}

function optionalBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new AppValidationError(field, 'must be true or false');
  return value;
}

/**
 * Checks an app definition (from the config file or the manage API) and fills the defaults
 * the contract names; throws {@link AppValidationError} naming the first bad field. Fields the
 * server sets itself (`sessionsRevokedBefore`) are not part of a definition and are dropped.
 */
export function normalizeApp(input: unknown): App {
  if (!isRecord(input)) throw new AppValidationError('app', 'must be an object');
  const id = input.id;
  if (typeof id !== 'string' || !idPattern.test(id)) {
    throw new AppValidationError('id', 'must look like "app_…" (letters, digits, _ or -)');
  }
  const tenantId = optionalString(input, 'tenantId', 'default');
  const projectId = optionalString(input, 'projectId', 'default');
  for (const [field, value] of [
    ['tenantId', tenantId],
    ['projectId', projectId],
  ] as const) {
    if (!namePattern.test(value)) {
      throw new AppValidationError(field, 'must use only letters, digits, _ or -');
    }
  }
  const name = optionalString(input, 'name', id);
  const type = input.type ?? 'web_client';
  if (type !== 'web_client' && type !== 'api') {
    throw new AppValidationError('type', 'must be "web_client" or "api"');
  }
  const enabled = optionalBoolean(input.enabled, 'enabled', true);
  const defaultAgentId = optionalString(input, 'defaultAgentId', 'default');
  const config = input.config ?? {};
  if (!isRecord(config)) throw new AppValidationError('config', 'must be an object');
  const webClient = config.webClient ?? {};
  if (!isRecord(webClient)) throw new AppValidationError('config.webClient', 'must be an object');
  const allowedDomains = webClient.allowedDomains ?? [];
  if (!Array.isArray(allowedDomains) || allowedDomains.length > 500) {
    throw new AppValidationError(
      'config.webClient.allowedDomains',
      'must be an array of domain strings',
    );
  }
  allowedDomains.forEach((rule, index) => {
    const field = `config.webClient.allowedDomains[${index}]`;
    if (typeof rule !== 'string') throw new AppValidationError(field, 'must be a string');
    if (!parseDomainRule(rule)) {
      throw new AppValidationError(field, `is not a valid domain rule: ${JSON.stringify(rule)}`);
    }
  });
  const allowAnonymous = optionalBoolean(
    webClient.allowAnonymous,
    'config.webClient.allowAnonymous',
    true,
  );
  const systemPrompt = config.systemPrompt ?? '';
  if (typeof systemPrompt !== 'string' || systemPrompt.length > maxSystemPromptLength) {
    throw new AppValidationError(
      'config.systemPrompt',
      `must be a string of at most ${maxSystemPromptLength} characters`,
    );
  }
  const appConfig: AppConfig = {
    webClient: { allowedDomains: allowedDomains as string[], allowAnonymous },
  };
  // Blank (or null, as a PATCH clears it) means none.
  if (systemPrompt.trim()) appConfig.systemPrompt = systemPrompt;
  return {
    id,
    tenantId,
    projectId,
    name,
    type: type as AppType,
    enabled,
    defaultAgentId,
    config: appConfig,
  };
}
