import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GluPipelineOwners, GluWriteScopes } from '@glu-dev/plugin-glu-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { createGluPipelineAction } from './createPipelineAction';

const REPO = 'https://github.com/acme/gitops';

/** The write scopes of a platform: team-checkout writes env/checkout/. */
const writeScopes = GluWriteScopes.fromConfig(
  new ConfigReader({
    glu: {
      writeScopes: [
        {
          owners: ['group:default/team-checkout'],
          repository: REPO,
          paths: ['env/checkout/**'],
        },
      ],
    },
  }),
);

/** The catalog of that platform: team-checkout is in it. */
const owners = new GluPipelineOwners({
  catalog: catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-checkout', namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
    ],
  }),
  auth: mockServices.auth(),
  timeoutMillis: 5_000,
});

function phases(production = 'env/checkout/production.yaml') {
  return [
    { name: 'build', source: { type: 'api' } },
    {
      name: 'staging',
      source: {
        type: 'git',
        repository: REPO,
        path: 'env/checkout/staging.yaml',
        format: { type: 'yaml-path', key: 'image.tag' },
      },
      promotion: { from: 'build', auto: true },
    },
    {
      name: 'production',
      source: {
        type: 'git',
        repository: REPO,
        path: production,
        format: { type: 'yaml-path', key: 'image.tag' },
      },
      promotion: { from: 'staging', gates: [{ soak: '30m' }] },
    },
  ];
}

describe('glu:pipeline:create', () => {
  let workspacePath: string;
  const action = createGluPipelineAction({
    // As the Glu backend answers /extensions with no modules installed.
    extensionTypes: async () => ({}),
    writeScopes,
    owners,
  });

  beforeEach(async () => {
    workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-scaffold-'));
  });

  afterEach(() => fs.rm(workspacePath, { recursive: true, force: true }));

  it('writes a Pipeline for the component that the catalog will accept', async () => {
    const ctx = createMockActionContext({
      workspacePath,
      input: {
        component: 'component:default/checkout',
        owner: 'group:default/team-checkout',
        title: 'Checkout',
        phases: phases(),
      },
    });
    await action.handler(ctx as any);

    const written = parse(
      await fs.readFile(path.join(workspacePath, 'pipeline.yaml'), 'utf8'),
    );
    expect(written).toEqual({
      apiVersion: 'glu.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'checkout', namespace: 'default', title: 'Checkout' },
      spec: {
        owner: 'group:default/team-checkout',
        components: ['component:default/checkout'],
        phases: phases(),
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'pipeline:default/checkout',
    );
    expect(ctx.output).toHaveBeenCalledWith('filePath', 'pipeline.yaml');
  });

  it('refuses what the catalog would refuse, naming each problem, and writes nothing', async () => {
    const unknownSource = createMockActionContext({
      workspacePath,
      input: {
        component: 'checkout',
        owner: 'group:default/team-checkout',
        phases: [
          { name: 'staging', source: { type: 'svn' } },
          {
            name: 'production',
            source: { type: 'api' },
            promotion: { from: 'qa' },
          },
        ],
      },
    });
    await expect(action.handler(unknownSource as any)).rejects.toThrow(
      /Invalid pipeline pipeline:default\/checkout: .*spec\.phases\[0\]\.source.*svn.*; .*spec\.phases\[1\]\.promotion.*qa/,
    );
    // Outside the team's write scopes: the catalog would refuse it too.
    const outside = createMockActionContext({
      workspacePath,
      input: {
        component: 'checkout',
        owner: 'group:default/team-checkout',
        phases: phases('env/payments/production.yaml'),
      },
    });
    await expect(action.handler(outside as any)).rejects.toThrow(
      /spec\.phases\[2\]\.source: /,
    );
    // An owner that is not in the catalog: of that name, in another namespace.
    const stranger = createMockActionContext({
      workspacePath,
      input: {
        component: 'checkout',
        owner: 'group:evil/team-checkout',
        phases: phases(),
      },
    });
    await expect(action.handler(stranger as any)).rejects.toThrow(
      "spec.owner: group:evil/team-checkout is not in the catalog; a pipeline's owner must be a group or a user that it holds",
    );
    await expect(fs.readdir(workspacePath)).resolves.toEqual([]);
  });

  it('leaves a file already there alone unless told to overwrite it, and stays in the workspace', async () => {
    await fs.writeFile(path.join(workspacePath, 'pipeline.yaml'), 'theirs\n');
    const input = {
      component: 'component:default/checkout',
      owner: 'group:default/team-checkout',
      phases: phases(),
    };
    await expect(
      action.handler(createMockActionContext({ workspacePath, input }) as any),
    ).rejects.toThrow(/pipeline\.yaml is already in the workspace/);
    expect(
      await fs.readFile(path.join(workspacePath, 'pipeline.yaml'), 'utf8'),
    ).toBe('theirs\n');
    await action.handler(
      createMockActionContext({
        workspacePath,
        input: { ...input, overwrite: true },
      }) as any,
    );
    expect(
      await fs.readFile(path.join(workspacePath, 'pipeline.yaml'), 'utf8'),
    ).toContain('kind: Pipeline');
    await expect(
      action.handler(
        createMockActionContext({
          workspacePath,
          input: { ...input, targetPath: '../outside.yaml' },
        }) as any,
      ),
    ).rejects.toThrow(/outside/);
  });
});
