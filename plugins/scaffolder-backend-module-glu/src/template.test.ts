/*
 * The template that this package ships (templates/add-pipeline.yaml), as an
 * adopter meets it: in the published package, and run by the scaffolder
 * against a Glu backend.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
// The action asks the Glu backend over HTTP; the test runs the real one.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import gluPlugin from '@glu-dev/plugin-glu-backend';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleGlu } from './module';

const packageDir = path.resolve(__dirname, '..');
const TEMPLATE = 'templates/add-pipeline.yaml';

jest.setTimeout(60_000);

/**
 * GitHub's pull-request action, which needs GitHub: a stand-in that opens
 * none and answers with the URL of one, as the real one does.
 */
const PULL_REQUEST = 'https://github.com/acme/pipelines/pull/1';
const githubStandIn = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'github-stand-in',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(
          createTemplateAction({
            id: 'publish:github:pull-request',
            supportsDryRun: true,
            schema: {
              input: {
                repoUrl: z => z.string(),
                branchName: z => z.string(),
                title: z => z.string(),
                description: z => z.string(),
              },
              output: { remoteUrl: z => z.string() },
            },
            async handler(ctx) {
              ctx.output('remoteUrl', PULL_REQUEST);
            },
          }),
        );
      },
    });
  },
});

it('ships the template in the published package', async () => {
  // As `npm publish` would pack it; the scripts (the build) are not needed
  // to list the files.
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: packageDir, timeout: 30_000 },
  );
  const [packed] = JSON.parse(stdout);
  expect(packed.files.map((f: { path: string }) => f.path)).toContain(TEMPLATE);
});

describe('the template, dry run by the scaffolder', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let workingDirectory: string;

  beforeAll(async () => {
    workingDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-tmpl-'));
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleGlu,
        githubStandIn,
        // The Glu backend, which says what types of sources, formats and
        // gates the action may write.
        gluPlugin,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: 'team-checkout', namespace: 'default' },
              spec: { type: 'team', children: [] },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'checkout', namespace: 'default' },
              spec: {
                type: 'service',
                lifecycle: 'production',
                owner: 'group:default/team-checkout',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory },
            glu: {
              workingDirectory,
              writeScopes: [
                {
                  owners: ['group:default/team-checkout'],
                  repository: 'https://github.com/acme/gitops',
                  paths: ['env/**'],
                },
              ],
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fs.rm(workingDirectory, { recursive: true, force: true });
  });

  /** A dry run of the template with the form's defaults and `values`. */
  async function dryRun(values: Record<string, unknown>) {
    const template = parse(
      await fs.readFile(path.join(packageDir, TEMPLATE), 'utf8'),
    );
    const form: Record<string, unknown> = {
      component: 'component:default/checkout',
      owner: 'group:default/team-checkout',
    };
    for (const page of template.spec.parameters) {
      for (const [name, field] of Object.entries<any>(page.properties)) {
        if (field.default !== undefined) form[name] = field.default;
      }
    }
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values: { ...form, ...values },
        directoryContents: [],
      });
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    return res.body;
  }

  it('shows the definition and links nowhere without a repository of pipeline definitions', async () => {
    const { directoryContents, output } = await dryRun({});

    const written = directoryContents.find(
      (f: { path: string }) => f.path === 'pipelines/checkout.yaml',
    );
    const pipeline = parse(
      Buffer.from(written.base64Content, 'base64').toString('utf8'),
    );
    expect(pipeline.spec.phases[1].promotion).toEqual({
      from: 'staging',
      strategy: 'pull-request',
      gates: [{ soak: '30m' }],
    });
    expect(output.text).toEqual([
      {
        title: 'The pipeline',
        content: expect.stringContaining('kind: Pipeline'),
      },
    ]);
    expect(output.links ?? []).toEqual([]);
  });

  it('links to the pull request that proposes the definition', async () => {
    const { output } = await dryRun({
      pipelinesRepoUrl: 'github.com?owner=acme&repo=pipelines',
    });

    expect(output.links).toEqual([
      { title: 'The pull request', url: PULL_REQUEST },
    ]);
  });
});
