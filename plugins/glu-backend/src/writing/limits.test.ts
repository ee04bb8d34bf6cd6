import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { formatBytes } from '@glu-dev/plugin-glu-node';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { watchDocumentWork } from '../__testUtils__/documentWork';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { ledgerPipeline } from '../__testUtils__/pipelines';
import { MAIN_THREAD_SIZE } from '../documents/DocumentThreads';

jest.mock('../documents/tasks', () =>
  require('../__testUtils__/documentWork').watchedTasks(),
);

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_18', 'SQLITE_3'] });
const alice = mockCredentials.user.header('user:default/alice');

/**
 * A file whose `version` comes first, then one map of `keys` keys, each line
 * padded to `lineBytes`: the shape of the values.yaml that froze a backend.
 */
function mapOfKeys(keys: number, lineBytes: number): string {
  const lines = ['version: 1.0.0', 'settings:'];
  for (let i = 0; i < keys; i++) {
    const line = `  key-${String(i).padStart(8, '0')}: `;
    lines.push(line + 'v'.repeat(Math.max(1, lineBytes - line.length - 1)));
  }
  return `${lines.join('\n')}\n`;
}

/** The classic billion laughs, under a version. */
function aliasBomb(): string {
  let text = 'version: 1.0.0\n';
  text += 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

/** The `ledger` pipeline's shape, named `name`, its phase in `path`. */
function pipelineOf(name: string, repository: string, path: string) {
  const entity = ledgerPipeline({ repository, path, promotion: false });
  entity.metadata.name = name;
  return entity;
}

/**
 * Asks the backend for a pipeline every 50 ms while the files are read:
 * the statuses it answered with, once stopped.
 */
function probe(server: any) {
  const statuses: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const { status } = await request(server)
        .get('/api/glu/pipelines/default/ledger')
        .set('authorization', alice);
      statuses.push(status);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return statuses;
    },
  };
}

describe('files over and within the limits, in a pipeline', () => {
  let repo: GitFixture;

  beforeEach(async () => {
    repo = await createGitFixture({ 'VERSION.yaml': 'version: 1.0.0\n' });
  });

  afterEach(() => repo.cleanup());

  it.each(databases.eachSupportedId())(
    'refreshes hostile files pushed to a repository into errors that name the limit, reads a large one, and never holds the event loop, on %p',
    async databaseId => {
      const hostile = {
        // ~80,000 keys in 5 MB: over glu.limits.fileBytes.
        'oversize.yaml': mapOfKeys(80_000, 66),
        // ~80,000 keys in 3.6 MB: within the limits, read whole.
        'keys.yaml': mapOfKeys(80_000, 45),
        // Brackets a million deep, in 2 MB.
        'deep.yaml': `version: 1.0.0\nx: ${'['.repeat(1_000_000)}${']'.repeat(
          1_000_000,
        )}\n`,
        'bomb.yaml': aliasBomb(),
      };
      const names = ['oversize', 'keys', 'deep', 'bomb'];
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          ledgerPipeline({ repository: repo.url, promotion: false }),
          ...names.map(name => pipelineOf(name, repo.url, `${name}.yaml`)),
        ],
        pipeline: 'ledger',
      });
      const phaseOf = async (name: string) =>
        (
          await request(glu.server)
            .get(`/api/glu/pipelines/default/${name}`)
            .set('authorization', alice)
        ).body.phases?.[0];
      const answers = probe(glu.server);
      try {
        const { result, largestOnMainThread, largestInWorkers } =
          await watchDocumentWork(async () => {
            // A person pushes them; the next refresh reads them.
            await repo.commit(hostile, 'Add the files');
            return Promise.all(
              names.map(name =>
                eventually(
                  async () => {
                    const phase = await phaseOf(name);
                    // Read once it was pushed: not missing any more.
                    const read =
                      phase?.state ||
                      (phase?.refreshError &&
                        !phase.refreshError.includes('does not exist'));
                    return read ? phase : undefined;
                  },
                  `${name}.yaml to be refreshed`,
                  240_000,
                ),
              ),
            );
          });
        const [oversize, keys, deep, bomb] = result;
        expect(oversize.refreshError).toBe(
          `oversize.yaml is ${formatBytes(
            hostile['oversize.yaml'].length,
          )}, over glu.limits.fileBytes (4 MB)`,
        );
        expect(keys.refreshError).toBeUndefined();
        expect(keys.state.version).toBe('1.0.0');
        expect(deep.refreshError).toBe(
          'Could not read deep.yaml as yaml-path: the file nests deeper than glu.limits.yamlDepth (100 levels)',
        );
        expect(bomb.refreshError).toBe(
          'Could not read bomb.yaml as yaml-path: the file holds more than glu.limits.yamlNodes (1000000 nodes, counting what its aliases repeat)',
        );
        // Read in a worker thread, never on the event loop: the backend
        // answered all the while.
        expect(largestInWorkers).toBe(hostile['keys.yaml'].length);
        expect(largestOnMainThread).toBeLessThanOrEqual(MAIN_THREAD_SIZE);
        const statuses = await answers.stop();
        expect(statuses.length).toBeGreaterThan(0);
        expect(statuses.every(status => status === 200)).toBe(true);
        // And the healthy pipeline is as it was.
        expect((await phaseOf('ledger')).state.version).toBe('1.0.0');
      } finally {
        // Stopped whatever happened: it must not outlive the test.
        await answers.stop();
        await glu.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'promotes into a large file within raised limits, changing its one line, and never holds the event loop, on %p',
    async databaseId => {
      const content = mapOfKeys(80_000, 66);
      await repo.commit({ 'values.yaml': content }, 'A large file');
      const glu = await startGlu({
        knex: await databases.init(databaseId),
        entities: [
          ledgerPipeline({
            repository: repo.url,
            path: 'values.yaml',
            promotion: { from: 'build' },
          }),
        ],
        pipeline: 'ledger',
        waitFor: ['staging'],
        config: { limits: { fileBytes: 8 * 1024 * 1024 } },
      });
      try {
        const { result, largestOnMainThread, largestInWorkers } =
          await watchDocumentWork(async () => {
            await request(glu.server)
              .post('/api/glu/pipelines/default/ledger/phases/build/versions')
              .set('authorization', ciAuthorization())
              .send({ version: '1.1.0' })
              .expect(200);
            return request(glu.server)
              .post('/api/glu/pipelines/default/ledger/promotions')
              .set('authorization', alice)
              .send({ phase: 'staging' });
          });
        expect(result.body.status).toBe('succeeded');
        expect(await repo.show('values.yaml')).toBe(
          content.replace('version: 1.0.0\n', 'version: 1.1.0\n'),
        );
        expect(largestInWorkers).toBeGreaterThanOrEqual(content.length);
        expect(largestOnMainThread).toBeLessThanOrEqual(MAIN_THREAD_SIZE);
      } finally {
        await glu.stop();
      }
    },
  );
});
