import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { GluWriteScopes } from '@glu-dev/plugin-glu-node';
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
    });
    await expect(nowhere.validateEntityKind(pipeline(spec))).rejects.toThrow(
      'spec.phases[1].source: env/production/deployment.yaml on main of https://github.com/acme/gitops is outside every write scope: none is configured (glu.writeScopes), so Glu writes nowhere',
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
});
