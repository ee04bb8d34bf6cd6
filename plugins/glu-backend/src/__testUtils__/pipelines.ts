import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  GateDefinition,
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';

/**
 * A pipeline definition as the store holds it, owned by `owner` and
 * delivering the component of its name: for tests that fill the store
 * themselves.
 */
export function storedPipeline(
  name: string,
  phases: PhaseDefinition[],
  owner = 'group:default/team-a',
): PipelineDefinition {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    owner,
    components: [`component:default/${name}`],
    phases,
  };
}

/**
 * A phase of such a pipeline in the file `env/<name>.yaml` of one GitHub
 * repository, promoted by commit from `from` through these gates.
 */
export function storedGitPhase(
  name: string,
  from?: string,
  gates: GateDefinition[] = [],
): PhaseDefinition {
  return {
    name,
    source: {
      type: 'git',
      repository: 'https://github.com/acme/gitops',
      branch: 'main',
      path: `env/${name}.yaml`,
      format: { type: 'kubernetes' },
    },
    edges: from ? [{ from, strategy: 'commit', auto: false, gates }] : [],
  };
}

/**
 * The `ledger` pipeline of the tests: versions published to an `api` phase
 * `build`, promoted into one Git phase whose file holds the version under a
 * YAML key (or in another format). With `promotion: false`, only the Git
 * phase.
 */
export function ledgerPipeline(options: {
  repository: string;
  /** The Git phase; `staging` by default. */
  phase?: string;
  /** Its file; `VERSION.yaml` by default. */
  path?: string;
  /** The key of the version in it; `version` by default. */
  key?: string;
  /** Its format, instead of `yaml-path` at `key`. */
  format?: JsonObject;
  /** The edge from `build`; automatic by default. */
  promotion?: JsonObject | false;
}): Entity {
  const promotion = options.promotion ?? { from: 'build', auto: true };
  const git = {
    name: options.phase ?? 'staging',
    source: {
      type: 'git',
      repository: options.repository,
      path: options.path ?? 'VERSION.yaml',
      format: options.format ?? {
        type: 'yaml-path',
        key: options.key ?? 'version',
      },
    },
    ...(promotion ? { promotion } : {}),
  };
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: {
      owner: 'group:default/team-ledger',
      phases: promotion
        ? [{ name: 'build', source: { type: 'api' } }, git]
        : [git],
    },
  };
}

/**
 * build (versions published to it) → staging (`staging.yaml`, promoted
 * into automatically) → production (`production.yaml`, by its
 * `production` edge: by hand from staging unless given).
 */
export function stagedPipeline(
  repository: string,
  options: {
    name?: string;
    owner?: string;
    /** Its `promotion:`, one edge or a list of them. */
    production?: JsonObject | JsonObject[];
  } = {},
): Entity {
  const git = (path: string) => ({
    type: 'git',
    repository,
    path,
    format: { type: 'yaml-path', key: 'version' },
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: options.name ?? 'checkout', namespace: 'default' },
    spec: {
      owner: options.owner ?? 'group:default/team-checkout',
      phases: [
        { name: 'build', source: { type: 'api' } },
        {
          name: 'staging',
          source: git('staging.yaml'),
          promotion: { from: 'build', auto: true },
        },
        {
          name: 'production',
          source: git('production.yaml'),
          promotion: options.production ?? { from: 'staging' },
        },
      ],
    },
  };
}

/** The same, its production gated by staging's health and automatic. */
export function healthGatedPipeline(
  repository: string,
  gate: JsonObject,
): Entity {
  return stagedPipeline(repository, {
    production: { from: 'staging', auto: true, gates: [gate] },
  });
}

/**
 * A team and its people as the catalog holds them (with the relations that
 * the notifications backend follows to find a group's members), and people
 * of no team.
 */
export function teamEntities(
  team: string,
  members: string[],
  others: string[] = [],
): Entity[] {
  const group = `group:default/${team}`;
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: team, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(name => ({
        type: 'hasMember',
        targetRef: `user:default/${name}`,
      })),
    },
    ...[...members, ...others].map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: {},
      relations: members.includes(name)
        ? [{ type: 'memberOf', targetRef: group }]
        : [],
    })),
  ];
}
