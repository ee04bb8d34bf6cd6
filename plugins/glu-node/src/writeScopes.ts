import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Minimatch } from 'minimatch';
import { GluPhaseLocation } from './types';

/**
 * A place where pipelines may write, decided by the platform (app-config
 * `glu.writeScopes`), not by the pipelines themselves.
 *
 * @public
 */
export interface GluWriteScope {
  /**
   * The repository, e.g. `https://github.com/acme/gitops`, or a pattern,
   * e.g. `https://github.com/acme/{owner}-*`; `*` for any repository.
   * Compared without `.git`, a trailing slash or the case of the host.
   */
  repository: string;
  /** Branch patterns, e.g. `[main, release-*]`; any branch when left out. */
  branches?: string[];
  /**
   * Path patterns in the repository, e.g. `env/checkout/**`. In paths and
   * repositories, `{owner}` is the name of the pipeline's owner, `{pipeline}`
   * the pipeline's name and `{namespace}` its namespace, so that one scope
   * can serve every team: `teams/{owner}/**`.
   */
  paths: string[];
  /**
   * The owners (entity refs) whose pipelines may write there; pipelines of
   * any owner when left out.
   */
  owners?: string[];
}

/**
 * The pipeline whose write a scope is asked about.
 *
 * @public
 */
export interface GluScopedPipeline {
  ref: string;
  name: string;
  namespace: string;
  /** The owner, as a full entity ref. */
  owner: string;
}

/**
 * What `make` answers for a key, computed once while the cache holds it; a
 * cache that reaches `max` entries starts afresh, so it never grows without
 * bound (patterns with {owner} or {pipeline} filled in are many).
 */
function remembered<V>(
  cache: Map<string, V>,
  key: string,
  max: number,
  make: () => V,
): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Addresses normalized already: a pipeline's few, asked about on every read. */
const normalized = new Map<string, string>();

/**
 * Compares repository addresses regardless of `.git`, a trailing slash, the case of the host, the scheme.
 *
 * @public
 */
export function normalizeRepositoryUrl(url: string): string {
  return remembered(normalized, url, 10_000, () => normalize(url));
}

function normalize(url: string): string {
  const scp = url.match(/^[\w.-]+@([\w.-]+):(.+)$/);
  const [host, repoPath] = scp
    ? [scp[1], scp[2]]
    : (() => {
        try {
          const parsed = new URL(url);
          return [parsed.host, parsed.pathname];
        } catch {
          return ['', url];
        }
      })();
  return `${host.toLowerCase()}/${repoPath
    .replace(/^\/+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')}`;
}

function ownerRef(ref: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'group' }));
  } catch {
    return ref.toLocaleLowerCase('en-US');
  }
}

const GLOB = { dot: true, nocomment: true, nonegate: true };

/**
 * The write scopes of the platform: whether a pipeline may write at a
 * location. With none configured, Glu writes nowhere.
 *
 * @public
 */
export class GluWriteScopes {
  /** Patterns, compiled once: every edge decision asks about a location. */
  private readonly compiled = new Map<string, Minimatch>();

  private constructor(private readonly scopes: GluWriteScope[]) {}

  private matches(text: string, pattern: string): boolean {
    return remembered(
      this.compiled,
      pattern,
      5000,
      () => new Minimatch(pattern, GLOB),
    ).match(text);
  }

  static fromConfig(config: Config): GluWriteScopes {
    const scopes = (config.getOptionalConfigArray('glu.writeScopes') ?? []).map(
      scope => ({
        repository: scope.getString('repository'),
        branches: scope.getOptionalStringArray('branches'),
        paths: scope.getStringArray('paths'),
        owners: scope.getOptionalStringArray('owners'),
      }),
    );
    return new GluWriteScopes(scopes);
  }

  static of(scopes: GluWriteScope[]): GluWriteScopes {
    return new GluWriteScopes(scopes);
  }

  /** Whether any scope is configured at all. */
  get configured(): boolean {
    return this.scopes.length > 0;
  }

  /** Why the pipeline may not write at the location; undefined when a scope allows it. */
  problem(
    pipeline: GluScopedPipeline,
    location: GluPhaseLocation,
  ): string | undefined {
    const where = `${location.path} on ${location.branch} of ${location.repository}`;
    if (!this.configured) {
      return `${where} is outside every write scope: none is configured (glu.writeScopes), so Glu writes nowhere`;
    }
    const owner = ownerRef(pipeline.owner);
    const ownerName = parseEntityRef(owner, { defaultKind: 'group' }).name;
    const fill = (pattern: string) =>
      pattern
        .replace(/\{owner\}/g, ownerName)
        .replace(/\{pipeline\}/g, pipeline.name)
        .replace(/\{namespace\}/g, pipeline.namespace);
    const repository = normalizeRepositoryUrl(location.repository);
    const allowed = this.scopes.some(scope => {
      if (
        scope.owners &&
        !scope.owners.some(candidate => ownerRef(candidate) === owner)
      ) {
        return false;
      }
      if (
        scope.repository !== '*' &&
        !this.matches(
          repository,
          normalizeRepositoryUrl(fill(scope.repository)),
        )
      ) {
        return false;
      }
      if (
        scope.branches &&
        !scope.branches.some(branch => this.matches(location.branch, branch))
      ) {
        return false;
      }
      return scope.paths.some(pattern =>
        this.matches(location.path, fill(pattern)),
      );
    });
    return allowed
      ? undefined
      : `${where} is outside the write scopes of ${owner} (glu.writeScopes)`;
  }
}
