import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  GluChange,
  GluObservation,
  GluSourcePhase,
  GluWritableSource,
  gluFormatsExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { GitRepositories } from '../sources/git/GitRepositories';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A separate backend module that adds a format for plain `VERSION` files,
 * registered through the same extension point as the built-in formats.
 */
const versionFileModule = createBackendModule({
  pluginId: 'glu',
  moduleId: 'version-file',
  register(env) {
    env.registerInit({
      deps: { formats: gluFormatsExtensionPoint },
      async init({ formats }) {
        formats.addFormat({
          type: 'version-file',
          async read({ content }) {
            const version = content.trim();
            if (!version) throw new Error('the VERSION file is empty');
            return { version };
          },
          async write({ fields }) {
            return `${fields.version}\n`;
          },
        });
      },
    });
  },
});

function pipeline(repository: string): Entity {
  const phase = (name: string, from?: string) => ({
    name,
    source: {
      type: 'git',
      repository,
      path: `${name}/VERSION`,
      format: 'version-file',
    },
    ...(from ? { promotion: { from } } : {}),
  });
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'ledger', namespace: 'default' },
    spec: {
      owner: 'group:default/team-ledger',
      phases: [
        phase('staging'),
        phase('production-eu', 'staging'),
        phase('production-us', 'staging'),
      ],
    },
  };
}

describe('a format from another module', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({
      'staging/VERSION': '2.0.0\n',
      'production-eu/VERSION': '1.9.0\n',
      'production-us/VERSION': '1.9.0\n',
    });
  });

  afterEach(() => repo.cleanup());

  it('runs a pipeline, and promotions that happen together share one commit', async () => {
    // The two promotions are asked for at the same moment: each waits at
    // its authorization until the other is there too.
    let arrived = 0;
    let bothThere = () => {};
    const together = new Promise<void>(resolve => {
      bothThere = resolve;
    });
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
      pipeline: 'ledger',
      features: [versionFileModule],
      beforeAuthorize: async permissions => {
        if (!permissions.includes('glu.pipeline.promote')) return;
        if (++arrived === 2) bothThere();
        await together;
      },
      // Their commit waits for both, however long either takes to plan on
      // a busy machine.
      config: { git: { gathering: { window: { minutes: 10 } } } },
    });
    try {
      const before = await repo.log();
      const responses = await Promise.all(
        ['production-eu', 'production-us'].map(phase =>
          request(glu.server)
            .post('/api/glu/pipelines/default/ledger/promotions')
            .set(
              'authorization',
              mockCredentials.user.header('user:default/alice'),
            )
            .send({ phase }),
        ),
      );
      expect(responses.map(r => [r.status, r.body.status])).toEqual([
        [200, 'succeeded'],
        [200, 'succeeded'],
      ]);
      // Fan-out into two phases of one repository: one fetch, one commit, one push.
      expect(responses[0].body.commitSha).toBe(responses[1].body.commitSha);
      const commits = await repo.log();
      expect(commits).toHaveLength(before.length + 1);
      expect(commits[0].subject).toBe('glu: 2 changes');
      expect(await repo.show('production-eu/VERSION')).toBe('2.0.0\n');
      expect(await repo.show('production-us/VERSION')).toBe('2.0.0\n');
    } finally {
      await glu.stop();
    }
  });

  it('promotes the same with every optimization switched off', async () => {
    const announced = jest.spyOn(GitRepositories.prototype, 'expect');
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
      pipeline: 'ledger',
      features: [versionFileModule],
      config: {
        optimizations: {
          batching: false,
          announcedWrites: false,
          gitSpawner: false,
        },
      },
    });
    try {
      const response = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/promotions')
        .set('authorization', mockCredentials.user.header('user:default/alice'))
        .send({ phase: 'production-eu' });
      expect([response.status, response.body.status]).toEqual([
        200,
        'succeeded',
      ]);
      expect(await repo.show('production-eu/VERSION')).toBe('2.0.0\n');
      // Written when asked, never announced.
      expect(announced).not.toHaveBeenCalled();
    } finally {
      announced.mockRestore();
      await glu.stop();
    }
  });
});

/**
 * A writable source from another module: a phase is a file in a folder on
 * disk (think of a configuration store that is not Git), read and written
 * through the phase's format. The engine writes into it like into a Git
 * phase: the same decisions, records, history and rollbacks.
 */
function folderSource(): GluWritableSource {
  const fileOf = (phase: GluSourcePhase) =>
    path.join(String(phase.config.folder), String(phase.config.file));
  const formatConfig = (phase: GluSourcePhase) => {
    const format = phase.config.format;
    return typeof format === 'string' ? { type: format } : (format as any);
  };
  const read = async (phase: GluSourcePhase): Promise<GluObservation> => {
    const content = await fs.readFile(fileOf(phase), 'utf8');
    return {
      fields: await phase.format!.read({
        content,
        config: formatConfig(phase),
      }),
      content,
      revision: createHash('sha256').update(content).digest('hex'),
      actor: 'the folder',
    };
  };
  const apply = async (
    phase: GluSourcePhase,
    content: string,
    change: GluChange,
  ) =>
    'content' in change
      ? change.content
      : phase.format!.write({
          content,
          fields: change.fields,
          config: formatConfig(phase),
        });
  return {
    type: 'folder',
    writable: true,
    proposals: false,
    locate: phase => ({
      repository: `file://${phase.config.folder}`,
      branch: 'main',
      path: String(phase.config.file),
    }),
    project: (phase, fields) =>
      phase.format?.project?.(fields, formatConfig(phase)) ?? { fields },
    apply,
    observe: phases => Promise.all(phases.map(phase => read(phase))),
    async write({ phase, change }) {
      const before = await fs.readFile(fileOf(phase), 'utf8');
      const after = await apply(phase, before, change);
      if (after !== before) await fs.writeFile(fileOf(phase), after);
      return { changed: after !== before, before, observed: await read(phase) };
    },
  };
}

const folderModule = createBackendModule({
  pluginId: 'glu',
  moduleId: 'folder-source',
  register(env) {
    env.registerInit({
      deps: { sources: gluSourcesExtensionPoint },
      async init({ sources }) {
        sources.addSource(folderSource());
      },
    });
  },
});

describe('a writable source from another module', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-folder-'));
    await fs.writeFile(
      path.join(folder, 'staging.yaml'),
      '# staging\nversion: 1.0.0 # set by Glu\n',
    );
  });

  afterEach(() => fs.rm(folder, { recursive: true, force: true }));

  it('is promoted into, previewed and rolled back like a Git phase, with no engine change', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        {
          apiVersion: 'glu.dev/v1alpha1',
          kind: 'Pipeline',
          metadata: { name: 'ledger', namespace: 'default' },
          spec: {
            owner: 'group:default/team-ledger',
            phases: [
              { name: 'build', source: { type: 'api' } },
              {
                name: 'staging',
                source: {
                  type: 'folder',
                  folder,
                  file: 'staging.yaml',
                  format: { type: 'yaml-path', key: 'version' },
                },
                promotion: { from: 'build', auto: true },
              },
            ],
          },
        },
      ],
      pipeline: 'ledger',
      waitFor: ['staging'],
      features: [folderModule],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const base = '/api/glu/pipelines/default/ledger';
    const view = async () =>
      (await request(glu.server).get(base).set('authorization', alice)).body;
    try {
      expect((await view()).phases[1].state).toMatchObject({
        version: '1.0.0',
        cause: 'observed',
        actor: 'the folder',
      });
      // A version published by CI is promoted into the folder by itself.
      await request(glu.server)
        .post(`${base}/phases/build/versions`)
        .set('authorization', ciAuthorization())
        .send({ version: '1.1.0' });
      await eventually(async () => {
        const body = await view();
        return body.edges[0].status === 'up-to-date' &&
          body.phases[1].state.version === '1.1.0'
          ? true
          : undefined;
      }, 'the automatic promotion into the folder');
      expect(await fs.readFile(path.join(folder, 'staging.yaml'), 'utf8')).toBe(
        '# staging\nversion: 1.1.0 # set by Glu\n',
      );
      const history = (
        await request(glu.server)
          .get(`${base}/phases/staging/history`)
          .set('authorization', alice)
      ).body.items;
      expect(history.map((e: any) => [e.version, e.cause])).toEqual([
        ['1.1.0', 'promotion'],
        ['1.0.0', 'observed'],
      ]);

      // A rollback previews exactly what it writes, and writes it; pinned,
      // so that automatic promotion leaves it there.
      const rollback = (dryRun: boolean) =>
        request(glu.server)
          .post(`${base}/phases/staging/rollback`)
          .set('authorization', alice)
          .send({
            historyId: history[1].id,
            pin: { reason: 'bad release' },
            dryRun,
          });
      const preview = await rollback(true);
      expect(preview.body).toMatchObject({
        status: 'promotable',
        path: 'staging.yaml',
      });
      expect(preview.body.diff).toContain(
        '-version: 1.1.0 # set by Glu\n+version: 1.0.0 # set by Glu',
      );
      const done = await rollback(false);
      expect(done.body).toMatchObject({
        kind: 'rollback',
        status: 'succeeded',
      });
      expect(await fs.readFile(path.join(folder, 'staging.yaml'), 'utf8')).toBe(
        '# staging\nversion: 1.0.0 # set by Glu\n',
      );
      expect((await view()).edges[0]).toMatchObject({
        status: 'blocked',
        reasons: [
          'staging is pinned at 1.0.0 by user:default/alice: bad release',
        ],
      });
    } finally {
      await glu.stop();
    }
  });
});
