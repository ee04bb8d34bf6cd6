import { Config } from '@backstage/config';
import { parseEntityRef } from '@backstage/catalog-model';
import { pipelineOwnerRef } from '@glu-dev/plugin-glu-common';
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
   * e.g. `https://github.com/acme/{owner}-config`; `*` for any repository.
   * Compared without `.git`, a trailing slash or the case of the host.
   */
  repository: string;
  /** Branch patterns, e.g. `[main, release-*]`; any branch when left out. */
  branches?: string[];
  /**
   * Path patterns in the repository, e.g. `env/checkout/**`. In paths and
   * repositories, `{owner}` is the name of the pipeline's owner,
   * `{owner.namespace}` and `{owner.kind}` its namespace and kind,
   * `{pipeline}` the pipeline's name and `{namespace}` its namespace, so
   * that one scope serves every team: `teams/{owner}/**`. A scope covers
   * only the owners its patterns tell apart: with `{owner}` but without
   * `{owner.namespace}`, owners of the `default` namespace; without
   * `{owner.kind}`, groups; with `{pipeline}` but without `{namespace}`,
   * pipelines of the `default` namespace.
   */
  paths: string[];
  /**
   * The owners (entity refs, kind `group` and namespace `default` when left
   * out) whose pipelines may write there; pipelines of any owner when left
   * out. A scope that names its owners covers exactly them.
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

const GLOB = { dot: true, nocomment: true, nonegate: true };

const PLACEHOLDERS = [
  'owner',
  'owner.namespace',
  'owner.kind',
  'pipeline',
  'namespace',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
/** A placeholder, or what looks like one: `{word}` or `{word.word}`. */
const PLACEHOLDER = /\{([a-zA-Z]+(?:\.[a-zA-Z]+)?)\}/g;
/** What minimatch reads as a wildcard, once the placeholders are taken out. */
const WILDCARD = /[*?[\]{}]|[+@!]\(/;

/**
 * The placeholders of a pattern. Each must have its segment to itself, or
 * share it with fixed text only: beside a wildcard or another placeholder,
 * the names of other owners would match too (`{owner}-*` of the group
 * `team` matches `team-checkout-config`).
 */
function placeholdersOf(pattern: string, at: string): Set<Placeholder> {
  const found = new Set<Placeholder>();
  for (const segment of pattern.split('/')) {
    const names = [...segment.matchAll(PLACEHOLDER)].map(m => m[1]);
    for (const name of names) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
        throw new Error(
          `${at}: {${name}} is not a placeholder; use ${PLACEHOLDERS.map(
            p => `{${p}}`,
          ).join(', ')}`,
        );
      }
      found.add(name as Placeholder);
    }
    if (
      names.length > 1 ||
      (names.length === 1 && WILDCARD.test(segment.replace(PLACEHOLDER, '')))
    ) {
      throw new Error(
        `${at}: "${segment}" puts a placeholder beside ${
          names.length > 1 ? 'another placeholder' : 'a wildcard'
        }, so it would match the names of other owners or pipelines too; give each placeholder a segment of its own, or only fixed text beside it ({owner}-config)`,
      );
    }
  }
  return found;
}

/**
 * What a scope's repository and one of its paths, taken together, say of
 * whom they cover: those without a placeholder for a part of the owner's or
 * the pipeline's identity cover only its default value, so that a pattern
 * never matches for two entities of one name.
 */
interface ScopePath {
  pattern: string;
  /** The patterns that name the owner or the pipeline, for messages. */
  shown: string;
  placeholders: Set<Placeholder>;
}

interface CompiledScope extends GluWriteScope {
  scopePaths: ScopePath[];
  /** The normalized refs of `owners`. */
  ownerRefs?: Set<string>;
}

/** Why a pair of patterns does not cover this owner or pipeline; undefined when it does. */
function uncovered(
  scopePath: ScopePath,
  owner: { kind: string; namespace: string; ref: string },
  pipeline: GluScopedPipeline,
): string | undefined {
  const has = (p: Placeholder) => scopePath.placeholders.has(p);
  if (has('owner')) {
    const kindFixed = !has('owner.kind');
    const namespaceFixed = !has('owner.namespace');
    if (
      (kindFixed && owner.kind !== 'group') ||
      (namespaceFixed && owner.namespace !== 'default')
    ) {
      const covers = [
        kindFixed ? 'groups' : 'owners',
        namespaceFixed ? 'of the default namespace' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const missing = [
        kindFixed && owner.kind !== 'group' ? '{owner.kind}' : '',
        namespaceFixed && owner.namespace !== 'default'
          ? '{owner.namespace}'
          : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return `${scopePath.shown} covers ${covers} only, and ${owner.ref} is not one (name ${missing} in it to cover such owners)`;
    }
  }
  if (
    has('pipeline') &&
    !has('namespace') &&
    pipeline.namespace !== 'default'
  ) {
    return `${scopePath.shown} covers pipelines of the default namespace only, and ${pipeline.ref} is not one (name {namespace} in it to cover such pipelines)`;
  }
  return undefined;
}

/**
 * The write scopes of the platform: whether a pipeline may write at a
 * location. With none configured, Glu writes nowhere. A scope matches only
 * for the owner entity it was written for: kinds and namespaces count.
 *
 * @public
 */
export class GluWriteScopes {
  /** Patterns, compiled once: every edge decision asks about a location. */
  private readonly compiled = new Map<string, Minimatch>();
  private readonly scopes: CompiledScope[];

  private constructor(scopes: GluWriteScope[], at: string) {
    this.scopes = scopes.map((scope, index) => {
      const where = `${at}[${index}]`;
      const fromRepository =
        scope.repository === '*'
          ? new Set<Placeholder>()
          : placeholdersOf(scope.repository, `${where}.repository`);
      const scopePaths = scope.paths.map((pattern, i) => {
        const placeholders = new Set([
          ...fromRepository,
          ...placeholdersOf(pattern, `${where}.paths[${i}]`),
        ]);
        return {
          pattern,
          shown:
            fromRepository.size > 0
              ? `${scope.repository} with ${pattern}`
              : pattern,
          placeholders,
        };
      });
      const ownerRefs = scope.owners?.map((owner, i) => {
        try {
          return pipelineOwnerRef(owner, 'default');
        } catch (error) {
          throw new Error(`${where}.owners[${i}]: ${(error as Error).message}`);
        }
      });
      return {
        ...scope,
        scopePaths,
        ...(ownerRefs ? { ownerRefs: new Set(ownerRefs) } : {}),
      };
    });
  }

  private matches(text: string, pattern: string): boolean {
    return remembered(
      this.compiled,
      pattern,
      5000,
      () => new Minimatch(pattern, GLOB),
    ).match(text);
  }

  /** Throws for a scope whose patterns or owners cannot be used, naming the setting. */
  static fromConfig(config: Config): GluWriteScopes {
    const scopes = (config.getOptionalConfigArray('glu.writeScopes') ?? []).map(
      scope => ({
        repository: scope.getString('repository'),
        branches: scope.getOptionalStringArray('branches'),
        paths: scope.getStringArray('paths'),
        owners: scope.getOptionalStringArray('owners'),
      }),
    );
    return new GluWriteScopes(scopes, 'glu.writeScopes');
  }

  static of(scopes: GluWriteScope[]): GluWriteScopes {
    return new GluWriteScopes(scopes, 'writeScopes');
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
    // The definition's owner is a full ref already; parsed as any ref.
    const ownerRef = parseEntityRef(pipeline.owner, { defaultKind: 'group' });
    const owner = {
      ref: `${ownerRef.kind}:${ownerRef.namespace}/${ownerRef.name}`.toLocaleLowerCase(
        'en-US',
      ),
      kind: ownerRef.kind.toLocaleLowerCase('en-US'),
      namespace: ownerRef.namespace.toLocaleLowerCase('en-US'),
      name: ownerRef.name.toLocaleLowerCase('en-US'),
    };
    const values: Record<Placeholder, string> = {
      owner: owner.name,
      'owner.namespace': owner.namespace,
      'owner.kind': owner.kind,
      pipeline: pipeline.name,
      namespace: pipeline.namespace,
    };
    const fill = (pattern: string) =>
      pattern.replace(
        PLACEHOLDER,
        (text, name: string) => values[name as Placeholder] ?? text,
      );
    const repository = normalizeRepositoryUrl(location.repository);
    const reasons: string[] = [];
    const allowed = this.scopes.some(scope => {
      if (scope.ownerRefs && !scope.ownerRefs.has(owner.ref)) return false;
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
      return scope.scopePaths.some(scopePath => {
        if (!this.matches(location.path, fill(scopePath.pattern))) {
          return false;
        }
        // A scope that names its owners covers exactly them.
        const reason = scope.ownerRefs
          ? undefined
          : uncovered(scopePath, owner, pipeline);
        if (reason) reasons.push(reason);
        return !reason;
      });
    });
    if (allowed) return undefined;
    return `${where} is outside the write scopes of ${
      owner.ref
    } (glu.writeScopes)${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
  }
}
