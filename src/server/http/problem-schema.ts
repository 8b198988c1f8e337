import { z } from '@hono/zod-openapi';
import type { ProblemCode } from './problem-error.ts';

/** The problem+json body of every error (DESIGN.md, Wire contract). */
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
      retry_after: z.number().int().optional(),
    }),
  })
  .openapi('Problem');

/** The rate-limit headers every answer of a budgeted route carries. */
export const rateLimitHeaders = {
  'X-RateLimit-Limit': { schema: { type: 'integer' as const } },
  'X-RateLimit-Remaining': { schema: { type: 'integer' as const } },
  'X-RateLimit-Reset': { schema: { type: 'integer' as const, description: 'unix seconds' } },
};

/** Problem+json responses for a route declaration, by status, each naming its codes. */
export function problemResponses(responses: Record<number, readonly ProblemCode[] | string>) {
  return Object.fromEntries(
    Object.entries(responses).map(([status, codes]) => [
      status,
      {
        description: typeof codes === 'string' ? codes : codes.join(', '),
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}
