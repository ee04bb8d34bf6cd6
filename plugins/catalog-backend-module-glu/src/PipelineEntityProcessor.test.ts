import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  RELATION_HAS_PART,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GluPipelineOwners, GluWriteScopes } from '@glu-dev/plugin-glu-node';
import { PipelineEntityProcessor } from './PipelineEntityProcessor';

const location = { type: 'url', target: 'https://example.com/catalog.yaml' };

function pipeline(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: spec as any,
  };
}

/** The owners that the catalog holds: two teams, and a person named like one. */
const org: Entity[] = [
  ...['team-checkout', 'team-payments'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  })),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'team-checkout', namespace: 'default' },
    spec: {},
  },
];

const owners = new GluPipelineOwners({
  catalog: catalogServiceMock({ entities: org }),
  auth: mockServices.auth(),
  timeoutMillis: 5_000,
});

const spec = {
  owner: 'team-checkout',
  components: ['checkout', 'component:payments/ledger'],
  phases: [
    {
      name: 'staging',
      source: {
        type: 'git',
        repository: 'https://github.com/acme/gitops',
        path: 'env/staging/deployment.yaml',
        format: 'kubernetes',
      },
    },
    {
      name: 'production',
      source: {
        type: 'git',
        repository: 'https://github.com/acme/gitops',
        path: 'env/production/deployment.yaml',
        format: 'version-file',
      },
      promotion: { from: 'staging' },
    },
  ],
};

describe('PipelineEntityProcessor', () => {
  const writeScopes = GluWriteScopes.of([
    {
      repository: 'https://github.com/acme/gitops',
      branches: ['main'],
      paths: ['env/*/deployment.yaml'],
      owners: ['group:default/team-checkout'],
    },
  ]);
  const processor = new PipelineEntityProcessor({
    extensionTypes: async () => ({
      sourceTypes: ['git'],
      formatTypes: ['kubernetes', 'version-file'],
    }),
    writeScopes,
    owners,
  });

  it('handles Pipeline entities only', async () => {
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).resolves.toBe(false);
    await expect(processor.validateEntityKind(pipeline(spec))).resolves.toBe(
      true,
    );
  });

  it('refuses an invalid definition with an error that names the field', async () => {
    const broken = structuredClone(spec);
    (broken.phases[1] as any).promotion = { from: 'qa' };
    (broken.phases[0].source as any).path = '../../etc/passwd';
    await expect(
      processor.validateEntityKind(pipeline(broken)),
    ).rejects.toThrow(
      'Invalid pipeline pipeline:default/checkout: spec.phases[0].source.path: "../../etc/passwd" leaves the repository; spec.phases[1].promotion.from: there is no phase named "qa"',
    );
  });

  it('refuses a format that no module registered', async () => {
    const strict = new PipelineEntityProcessor({
      extensionTypes: async () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes'],
      }),
      writeScopes,
      owners,
    });
    await expect(strict.validateEntityKind(pipeline(spec))).rejects.toThrow(
      'spec.phases[1].source.format: unknown format "version-file" (known: kubernetes)',
    );
  });

  it('refuses a phase that an edge writes into outside the write scopes of its owner, naming the field', async () => {
    const elsewhere = structuredClone(spec);
    (elsewhere.phases[1].source as any).repository =
      'https://github.com/payments/gitops';
    await expect(
      processor.validateEntityKind(pipeline(elsewhere)),
    ).rejects.toThrow(
      'Invalid pipeline pipeline:default/checkout: spec.phases[1].source: env/production/deployment.yaml on main of https://github.com/payments/gitops is outside the write scopes of group:default/team-checkout (glu.writeScopes)',
    );
    // Another owner may not point a pipeline at this team's files.
    await expect(
      processor.validateEntityKind(
        pipeline({ ...spec, owner: 'group:default/team-payments' }),
      ),
    ).rejects.toThrow(
      'outside the write scopes of group:default/team-payments',
    );
    // A phase that is only read (no edge into it) may live anywhere.
    const watched = structuredClone(spec);
    (watched.phases[0].source as any).repository =
      'https://github.com/payments/gitops';
    await expect(processor.validateEntityKind(pipeline(watched))).resolves.toBe(
      true,
    );
  });

  it('refuses every written phase when no write scope is configured', async () => {
    const nowhere = new PipelineEntityProcessor({
      extensionTypes: async () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes', 'version-file'],
      }),
      writeScopes: GluWriteScopes.of([]),
      owners,
    });
    await expect(nowhere.validateEntityKind(pipeline(spec))).rejects.toThrow(
      'spec.phases[1].source: env/production/deployment.yaml on main of https://github.com/acme/gitops is outside every write scope: none is configured (glu.writeScopes), so Glu writes nowhere',
    );
  });

  it.each([
    ['group:evil/team-checkout', 'a group of that name in another namespace'],
    ['user:default/team-payments', 'a user named like a team'],
  ])(
    'refuses a pipeline whose owner %p is not in the catalog (%s), naming spec.owner',
    async owner => {
      await expect(
        processor.validateEntityKind(pipeline({ ...spec, owner })),
      ).rejects.toThrow(
        `Invalid pipeline pipeline:default/checkout: spec.owner: ${owner} is not in the catalog; a pipeline's owner must be a group or a user that it holds`,
      );
    },
  );

  it('refuses a pipeline whose owner has the name of a team but is not that team, though it is in the catalog', async () => {
    const perTeam = new PipelineEntityProcessor({
      extensionTypes: async () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes', 'version-file'],
      }),
      writeScopes: GluWriteScopes.of([
        {
          repository: 'https://github.com/acme/gitops',
          paths: ['env/{owner}/**'],
        },
      ]),
      owners,
    });
    const teamFiles = structuredClone(spec);
    (teamFiles.phases[1].source as any).path =
      'env/team-checkout/deployment.yaml';
    await expect(perTeam.validateEntityKind(pipeline(teamFiles))).resolves.toBe(
      true,
    );
    await expect(
      perTeam.validateEntityKind(
        pipeline({ ...teamFiles, owner: 'user:default/team-checkout' }),
      ),
    ).rejects.toThrow(
      'spec.phases[1].source: env/team-checkout/deployment.yaml on main of https://github.com/acme/gitops is outside the write scopes of user:default/team-checkout (glu.writeScopes): env/{owner}/** covers groups of the default namespace only, and user:default/team-checkout is not one (name {owner.kind} in it to cover such owners)',
    );
  });

  it('fails processing, to be tried again, while the catalog cannot be asked about the owner', async () => {
    const unreachable = new PipelineEntityProcessor({
      extensionTypes: async () => ({
        sourceTypes: ['git'],
        formatTypes: ['kubernetes', 'version-file'],
      }),
      writeScopes,
      owners: new GluPipelineOwners({
        catalog: catalogServiceMock.mock({
          getEntitiesByRefs: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
          },
        }),
        auth: mockServices.auth(),
        timeoutMillis: 5_000,
      }),
    });
    await expect(
      unreachable.validateEntityKind(pipeline(spec)),
    ).rejects.toThrow(
      'Could not ask the catalog whether group:default/team-checkout is in it: connect ECONNREFUSED 127.0.0.1:7007',
    );
  });

  it('relates the pipeline to its owner and both ways to its components', async () => {
    const emitted: CatalogProcessorResult[] = [];
    await processor.postProcessEntity(pipeline(spec), location, result =>
      emitted.push(result),
    );
    const relations = emitted.map(r =>
      r.type === 'relation'
        ? `${r.relation.source.kind}:${r.relation.source.namespace}/${r.relation.source.name} ${r.relation.type} ${r.relation.target.kind}:${r.relation.target.namespace}/${r.relation.target.name}`
        : r.type,
    );
    expect(relations).toEqual([
      'Pipeline:default/checkout ownedBy group:default/team-checkout',
      'group:default/team-checkout ownerOf Pipeline:default/checkout',
      'Pipeline:default/checkout delivers component:default/checkout',
      'component:default/checkout deliveredBy Pipeline:default/checkout',
      'Pipeline:default/checkout delivers component:payments/ledger',
      'component:payments/ledger deliveredBy Pipeline:default/checkout',
    ]);
  });

  it('relates the pipeline both ways to its system, in its namespace unless it says otherwise', async () => {
    const relationsOf = async (system: string) => {
      const emitted: CatalogProcessorResult[] = [];
      await processor.postProcessEntity(
        pipeline({ ...spec, components: [], system }),
        location,
        result => emitted.push(result),
      );
      return emitted.flatMap(r =>
        r.type === 'relation' &&
        [RELATION_PART_OF, RELATION_HAS_PART].includes(r.relation.type)
          ? [
              `${r.relation.source.kind}:${r.relation.source.namespace}/${r.relation.source.name} ${r.relation.type} ${r.relation.target.kind}:${r.relation.target.namespace}/${r.relation.target.name}`,
            ]
          : [],
      );
    };
    expect(await relationsOf('shop')).toEqual([
      'Pipeline:default/checkout partOf system:default/shop',
      'system:default/shop hasPart Pipeline:default/checkout',
    ]);
    expect(await relationsOf('system:retail/shop')).toEqual([
      'Pipeline:default/checkout partOf system:retail/shop',
      'system:retail/shop hasPart Pipeline:default/checkout',
    ]);
    // Without a system, none.
    const emitted: CatalogProcessorResult[] = [];
    await processor.postProcessEntity(pipeline(spec), location, result =>
      emitted.push(result),
    );
    expect(
      emitted.filter(
        r => r.type === 'relation' && r.relation.type === RELATION_PART_OF,
      ),
    ).toEqual([]);
  });
});
