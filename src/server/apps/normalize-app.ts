import { appDefinitionSchema } from '../../contract/app.ts';
import { explainIssue } from '../http/describe-issue.ts';
import { parseSigningKey, SigningKeyError } from '../session/parse-signing-key.ts';
import type { App, AppConfig } from './app.ts';
import { parseDomainRule } from './is-origin-allowed.ts';

/** Why an app definition was refused: the field and what is wrong with it. */
export class AppValidationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'AppValidationError';
    this.field = field;
  }
}

/**
 * Checks an app definition (from the config file or the manage API) against the contract's
 * schema, fills the defaults it names and applies the rules a schema does not hold (domain rules
 * parse; signing keys are public RSA, P-256 or Ed25519 keys with distinct `kid`s; a blank system
 * prompt is none); throws {@link AppValidationError} naming the first bad
 * field. Fields the server sets itself (`sessionsRevokedBefore`) are not part of a definition
 * and are dropped.
 */
export function normalizeApp(input: unknown): App {
  const parsed = appDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const { field, message } = issue
      ? explainIssue(issue)
      : { field: '', message: 'must be an object' };
    throw new AppValidationError(field || 'app', message);
  }
  const { config, ...definition } = parsed.data;
  const { allowedDomains, allowAnonymous } = config.webClient;
  allowedDomains.forEach((rule, index) => {
    if (!parseDomainRule(rule)) {
      throw new AppValidationError(
        `config.webClient.allowedDomains[${index}]`,
        `is not a valid domain rule: ${JSON.stringify(rule)}`,
      );
    }
  });
  const appConfig: AppConfig = { webClient: { allowedDomains, allowAnonymous } };
  const { signingKeys, audience } = config.webClient;
  if (signingKeys?.length) {
    const kids = new Set<string>();
    appConfig.webClient.signingKeys = signingKeys.map(({ kid, alg, key }, index) => {
      const field = `config.webClient.signingKeys[${index}]`;
      if (kids.has(kid)) throw new AppValidationError(`${field}.kid`, 'is used by another key');
      kids.add(kid);
      try {
        return { kid, alg: parseSigningKey(key, alg).alg, key };
      } catch (error) {
        if (error instanceof SigningKeyError)
          throw new AppValidationError(`${field}.key`, error.message);
        throw error;
      }
    });
  }
  if (audience) appConfig.webClient.audience = audience;
  // Blank (or null, as a PATCH clears it) means none.
  if (config.systemPrompt?.trim()) appConfig.systemPrompt = config.systemPrompt;
  return { ...definition, name: definition.name ?? definition.id, config: appConfig };
}
