import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** A path as a JavaScript accessor: `messages[0].content`, `config.webClient`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** What a value failed, when its schema names no message of its own (zod's start "Invalid"). */
function fallback(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_big':
      return `must be at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_small':
      return `must be at least ${issue.minimum}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_format':
      return 'has an invalid format';
    default:
      return 'is not valid';
  }
}

/**
 * What an issue of a failed parse is about and what is wrong with it, in the contract's words:
 * `{ field: 'messages[0].role', message: 'must be …' }`; `field` is empty for the whole value.
 * A union is explained by the branch that got furthest (e.g. the text part of a content
 * array), not by "matches no type".
 */
export function explainIssue(
  issue: Issue,
  prefix: readonly PropertyKey[] = [],
): { field: string; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const typed = issue.errors.find((branch) =>
      branch.some((inner) => inner.code !== 'invalid_type' || inner.path.length > 0),
    );
    const inner = typed?.[0];
    if (inner) return explainIssue(inner, [...prefix, ...issue.path]);
  }
  const message = issue.message.startsWith('Invalid') ? fallback(issue) : issue.message;
  // A discriminated union that no variant's tag matches refuses the value as a whole (zod
  // points at the tag): `content[1] must be a text part`, not `content[1].type …`.
  const path =
    issue.code === 'invalid_union' &&
    'discriminator' in issue &&
    issue.path.at(-1) === issue.discriminator
      ? issue.path.slice(0, -1)
      : issue.path;
  return { field: fieldOf([...prefix, ...path]), message };
}

/** An issue as the problem+json `detail`: `"<field> <what is wrong>"`, or the message alone. */
export function describeIssue(issue: Issue): string {
  const { field, message } = explainIssue(issue);
  return field ? `${field} ${message}` : message;
}
