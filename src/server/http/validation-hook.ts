import type { Context } from 'hono';
import type { z } from 'zod';
import { describeIssue, explainIssue } from './describe-issue.ts';
import { ProblemError } from './problem-error.ts';

/** What a route's schemas refused, as `@hono/zod-openapi` hands it to a hook. */
type ValidationResult =
  | { success: true; target: string }
  | { success: false; target: string; error: z.ZodError };

/** Options of {@link createValidationHook}. */
export interface ValidationHookOptions {
  /**
   * Fields (first path segment) that name a stored thing: a well-typed but malformed value
   * names nothing there, so it is answered 404 with `detail`, as an unknown one would be.
   */
  notFound?: { fields: readonly string[]; detail: string };
  /** Name the top-level field an issue is in (`scopes`, not `scopes[0]`), as a route always has. */
  topLevelFields?: boolean;
}

/**
 * The hook every schema-declared route validates with: a refused input is thrown as a 400
 * `bad_request` ProblemError whose detail names the first bad field (`messages[0].role …`), so
 * the error handler answers in the contract's problem+json shape.
 */
export function createValidationHook({ notFound, topLevelFields }: ValidationHookOptions = {}) {
  return (result: ValidationResult, _c: Context): undefined => {
    if (result.success) return;
    const [issue] = result.error.issues;
    if (!issue) throw new ProblemError(400, 'bad_request', 'Request is not valid');
    const field = issue.path[0];
    if (
      notFound &&
      issue.code !== 'invalid_type' &&
      typeof field === 'string' &&
      notFound.fields.includes(field)
    ) {
      throw new ProblemError(404, 'not_found', notFound.detail);
    }
    if (topLevelFields && typeof field === 'string') {
      throw new ProblemError(400, 'bad_request', `${field} ${explainIssue(issue).message}`);
    }
    throw new ProblemError(400, 'bad_request', describeIssue(issue));
  };
}

/** The default hook of every `OpenAPIHono` of the server. */
export const validationHook = createValidationHook();
