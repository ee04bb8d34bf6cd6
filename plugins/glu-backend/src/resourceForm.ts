/**
 * The form of a resource's fields, in one place: what a version may hold
 * before it becomes a phase's state, whether it is published, read from a
 * registry or read from a file. Digests, tags and repositories follow the
 * OCI reference grammar (the distribution spec and distribution's
 * `reference` package), and a version is a tag or a SemVer version; every
 * field is free of control characters and bounded in length. Each check answers what is wrong, naming the field and
 * what to fix, or undefined.
 */

/** The longest value of a field (the API's bound too). */
export const FIELD_VALUE_MAX = 255;
/** The longest name of a field. */
export const FIELD_NAME_MAX = 64;

/** The registered algorithms of the OCI image spec, by their hex length. */
const DIGEST_ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };
const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
// A tag, or a SemVer version with build metadata (Helm's chart versions).
const VERSION = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
/** The longest repository name, its registry host included. */
const REPOSITORY_MAX = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY_HOST = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
// Control characters (C0, DEL, C1), and the line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** A value as a message quotes it: escaped, and cut when long. */
function quoted(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut);
}

function controlProblem(what: string, value: string): string | undefined {
  const found = value.match(CONTROL);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  return `${what} holds a control character (U+${code.padStart(
    4,
    '0',
  )}); remove it`;
}

/** What is wrong with a digest, e.g. `sha256:` and 64 lowercase hex characters. */
export function digestProblem(
  digest: string,
  name = 'digest',
): string | undefined {
  const how =
    'write it as sha256: and 64 lowercase hex characters, or sha512: and 128';
  const match = digest.match(DIGEST);
  if (!match) return `${name} ${quoted(digest)} is not a digest: ${how}`;
  const [, algorithm, encoded] = match;
  const length = DIGEST_ALGORITHMS[algorithm];
  if (!length) {
    return `${name} ${quoted(
      digest,
    )} uses the algorithm ${algorithm}, which is not a registered one: ${how}`;
  }
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    return `${name} ${quoted(
      digest,
    )} is not a ${algorithm} digest: after "${algorithm}:" come ${length} lowercase hex characters`;
  }
  return undefined;
}

/** What is wrong with an image tag. */
export function tagProblem(tag: string, name = 'tag'): string | undefined {
  if (TAG.test(tag)) return undefined;
  return `${name} ${quoted(
    tag,
  )} is not an image tag: at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"`;
}

/** What is wrong with a version: what may be a tag, or a SemVer version. */
export function versionProblem(
  version: string,
  name = 'version',
): string | undefined {
  if (VERSION.test(version)) return undefined;
  return `${name} ${quoted(
    version,
  )} is not a version: at most 128 letters, digits, "_", ".", "-" and "+", not starting with ".", "-" or "+", e.g. 1.6.0, v1.6.0-rc.1 or 1.6.0+build.5`;
}

/**
 * An image repository split into its registry host (with its port), if it
 * names one, and its path; or what is wrong with it. The first component is
 * a registry host when more follow and it has a "." or a ":", is
 * `localhost`, or has capitals, as `docker pull` reads it.
 */
export function splitRepository(
  repository: string,
  name = 'repository',
): { host?: string; path: string } | { problem: string } {
  const not = `${name} ${quoted(repository)} is not an image repository`;
  if (repository.length > REPOSITORY_MAX) {
    return {
      problem: `${not}: it is ${repository.length} characters long, at most ${REPOSITORY_MAX}`,
    };
  }
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const isHost =
    slash >= 0 &&
    (/[.:]/.test(first) ||
      first === 'localhost' ||
      first !== first.toLowerCase());
  if (isHost && !REGISTRY_HOST.test(first)) {
    return {
      problem: `${not}: ${quoted(first)} is not a registry host[:port]`,
    };
  }
  const path = isHost ? repository.slice(slash + 1) : repository;
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      return {
        problem: `${not}: ${quoted(
          component,
        )} is not a path component (lowercase letters and digits, separated by ".", "_", "__" or "-"), after an optional registry host[:port]/`,
      };
    }
  }
  return isHost ? { host: first, path } : { path };
}

/** What is wrong with an image repository. */
export function repositoryProblem(
  repository: string,
  name = 'repository',
): string | undefined {
  const split = splitRepository(repository, name);
  return 'problem' in split ? split.problem : undefined;
}

/** The fields whose values follow a grammar of their own. */
const GRAMMARS: Record<string, (value: string) => string | undefined> = {
  digest: digestProblem,
  tag: tagProblem,
  version: versionProblem,
  repository: repositoryProblem,
};

/**
 * What is wrong with a version's fields, naming the first field that is
 * wrong and what to fix; undefined when every field has its form.
 */
export function fieldsProblem(
  fields: Record<string, string>,
): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    const problem = nameProblem(name) ?? valueProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}

function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > FIELD_NAME_MAX) {
    return `the field name ${quoted(
      name,
    )} must be 1 to ${FIELD_NAME_MAX} characters long`;
  }
  return controlProblem(`the field name ${quoted(name)}`, name);
}

function valueProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `${name} must be text`;
  if (value.length === 0)
    return `${name} is empty; give it a value or leave it out`;
  if (value.length > FIELD_VALUE_MAX) {
    return `${name} is ${value.length} characters long, at most ${FIELD_VALUE_MAX}`;
  }
  return controlProblem(name, value) ?? GRAMMARS[name]?.(value);
}
