/*
 * How the problems of a pipeline definition are worded: each one starts with
 * the field it is about, e.g. `spec.phases[1].source.path: …`, so that a
 * team can find it in its YAML.
 */
import { z } from 'zod';

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out ? `${out}.${String(segment)}` : String(segment);
  }, '');
}

/** The problems zod found, each under its field inside `prefix`. */
export function zodIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map(issue => {
    const path = formatPath([
      ...prefix.split('.').filter(Boolean),
      ...issue.path,
    ]);
    return `${path}: ${issue.message}`;
  });
}

/** The names that exist, for the message about one that does not. */
export function knownNames(names: Iterable<string>): string {
  return [...names].sort().join(', ');
}
