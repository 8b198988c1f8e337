import type { App } from '../apps/app.ts';
import { isOriginAllowed } from '../apps/is-origin-allowed.ts';
import { ProblemError } from './problem-error.ts';

/** 403 `origin_not_allowed` unless `origin` (the request's header) is on the app's allowlist. */
export function requireAllowedOrigin(origin: string | undefined, app: App): void {
  if (!isOriginAllowed(origin, app.config.webClient.allowedDomains)) {
    throw new ProblemError(403, 'origin_not_allowed', 'Origin not allowed');
  }
}
