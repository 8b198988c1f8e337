import { ProblemError } from './problem-error.ts';

/** A zod issue's path as a reader writes it: `messages[0].parts`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

/**
 * The `defaultHook` of schema-declared routes: input that fails its schema is 400 `bad_request`
 * whose detail names the first failing field (`messages[0].parts: …`), like every other 400.
 */
export function problemHook(
  result:
    | { success: true }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } },
): void {
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = issue ? issuePath(issue.path) : '';
  throw new ProblemError(
    400,
    'bad_request',
    `${path || 'Request body'}: ${issue?.message ?? 'Invalid input'}`,
  );
}
