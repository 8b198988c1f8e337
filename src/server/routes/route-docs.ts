import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ProblemCode } from '../http/problem-error.ts';

// Pieces of the OpenAPI description that many routes share: the problem+json error body,
// rate-limit headers and the credentials a route takes.

/** The contract's error body, `application/problem+json`. */
export const problemSchema = z
  .object({
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    error: z.object({
      code: z.string(),
      message: z.string(),
      status: z.number().int(),
      retry_after: z.number().int().optional().meta({ description: '429 only: seconds to wait' }),
    }),
    requestId: z
      .string()
      .optional()
      .meta({ description: "The response's x-request-id, for tracing it in the server's log" }),
  })
  .meta({ id: 'Problem' });

/** An error response: problem+json with `description` naming the codes and when. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** Problem+json responses for a route declaration, by status, each naming its codes. */
export function problemResponses(responses: Record<number, readonly ProblemCode[] | string>) {
  return Object.fromEntries(
    Object.entries(responses).map(([status, codes]) => [
      status,
      problem(typeof codes === 'string' ? codes : codes.join(', ')),
    ]),
  );
}

/** The headers every response of a rate-limited route carries. */
export const rateLimitHeaders = {
  'X-RateLimit-Limit': { schema: { type: 'integer' as const } },
  'X-RateLimit-Remaining': { schema: { type: 'integer' as const } },
  'X-RateLimit-Reset': { schema: { type: 'integer' as const, description: 'unix seconds' } },
};

/** `Retry-After` of a 429, in seconds. */
export const retryAfterHeader = {
  'Retry-After': { schema: { type: 'integer' as const, description: 'seconds' } },
};

// Routes that read or write stored data answer 503 while the database is unreachable; a key
// with a signing secret also needs the replay memory (Redis, when REDIS_URL is set).
/** The 503 of every route that needs an engine. */
export const unavailable = problem(
  "service_unavailable: the database is unreachable (or, for a request signed with a key's signing secret, Redis)",
);

// Run API routes take an anonymous-session JWT or a server-to-server credential (X-API-Key
// preferred, or a bearer key / bypass secret); manage routes need the `manage` scope.
/** Credentials of the Run API's visitor routes. */
export const visitorSecurity: Record<string, string[]>[] = [
  { anonymousSession: [] },
  { apiKey: [] },
  { bearerApiKey: [] },
];
/** Credentials of the manage API. */
export const adminSecurity: Record<string, string[]>[] = [{ apiKey: [] }, { bearerApiKey: [] }];

/** The `x-inkeep-app-id` header (documented; checked against the token by authentication). */
export const appIdHeader = (required: boolean) => ({
  name: 'x-inkeep-app-id',
  in: 'header' as const,
  required,
  schema: { type: 'string' as const },
});

/** The `Origin` header, checked against the app's `allowedDomains` for app credentials. */
export const originHeader = {
  name: 'Origin',
  in: 'header' as const,
  required: true,
  description: "Checked against the app's allowedDomains (not needed with an API key)",
  schema: { type: 'string' as const },
};

/** Registers the security schemes the routes above name. */
export function registerSecuritySchemes(app: OpenAPIHono): void {
  const { openAPIRegistry: registry } = app;
  registry.registerComponent('securitySchemes', 'anonymousSession', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT (HS256)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'sk_<publicId>.<secret>, ADMIN_API_KEY or a VALID_API_KEYS entry. Keys with a signing secret also need X-Timestamp and X-Signature = hex HMAC-SHA256 of METHOD\\nPATH\\nTIMESTAMP\\nBODY.',
  });
  registry.registerComponent('securitySchemes', 'bearerApiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key, INKEEP_ADMIN_API_KEY (manage), or INKEEP_AGENTS_RUN_API_BYPASS_SECRET with x-inkeep-tenant-id, x-inkeep-project-id and x-inkeep-agent-id. With ENVIRONMENT=development those scope headers alone suffice.',
  });
}
