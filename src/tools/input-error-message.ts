import type { z } from 'zod';

/** `Invalid input for write_file: path: expected string, received undefined; content: ...` */
export function inputErrorMessage(toolName: string, issues: readonly z.core.$ZodIssue[]): string {
  return `Invalid input for ${toolName}: ${issues.map(describeIssue).join('; ')}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Zod prefixes type errors with "Invalid input: ", which only repeats our own prefix.
  const message = issue.message.replace(/^Invalid input: /, '');
  return issue.path.length === 0 ? message : `${formatPath(issue.path)}: ${message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}
