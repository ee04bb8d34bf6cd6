import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { GitCredentials } from './GitCredentials';
import { GitRepositories } from './GitRepositories';

jest.setTimeout(60_000);

function sleep(millis: number) {
  return new Promise(resolve => setTimeout(resolve, millis));
}

describe('GitRepositories', () => {
  let repo: GitFixture;
  let workingDirectory: string;
  let repositories: GitRepositories;

  beforeEach(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`env/p${i}/VERSION`] = '1.0.0\n';
    repo = await createGitFixture(files);
    workingDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-work-'));
    repositories = gatheringFor({ pauseMillis: 50, windowMillis: 2_000 });
  });

  function gatheringFor(gathering: {
    pauseMillis: number;
    windowMillis: number;
  }) {
    return new GitRepositories({
      workingDirectory,
      credentials: new GitCredentials(
        ScmIntegrations.fromConfig(new ConfigReader({})),
      ),
      logger: mockServices.logger.mock(),
      author: { name: 'Glu', email: 'glu@localhost' },
      gathering,
    });
  }

  afterEach(async () => {
    await repo.cleanup();
    await fs.rm(workingDirectory, { recursive: true, force: true });
  });

  const edit = (i: number, version: string) => ({
    path: `env/p${i}/VERSION`,
    apply: async () => `${version}\n`,
    message: { subject: `p${i} to ${version}`, body: '' },
  });

  it('gathers edits that keep coming into one commit, and commits a lone edit after one pause', async () => {
    const before = await repo.log();
    // Ten edits, one every 10 ms: less than the pause between any two.
    const writes = [];
    for (let i = 0; i < 10; i++) {
      writes.push(repositories.write(repo.url, 'main', edit(i, '2.0.0')));
      await sleep(10);
    }
    const results = await Promise.all(writes);
    expect(new Set(results.map(r => r.sha)).size).toBe(1);
    expect(results.every(r => r.changed)).toBe(true);
    const gathered = await repo.log();
    expect(gathered).toHaveLength(before.length + 1);
    expect(gathered[0].subject).toBe('glu: 10 changes');

    const started = Date.now();
    const lone = await repositories.write(repo.url, 'main', edit(0, '3.0.0'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(lone.changed).toBe(true);
    expect(await repo.log()).toHaveLength(before.length + 2);
    expect(await repo.show('env/p0/VERSION')).toBe('3.0.0\n');
  });

  it('commits what keeps coming once the window is over, and gathers the rest into the next commit', async () => {
    repositories = gatheringFor({ pauseMillis: 50, windowMillis: 100 });
    const before = await repo.log();
    const writes = [];
    // An edit every 20 ms for 200 ms: never a pause, but a window of 100.
    for (let i = 0; i < 10; i++) {
      writes.push(repositories.write(repo.url, 'main', edit(i, '2.0.0')));
      await sleep(20);
    }
    const results = await Promise.all(writes);
    const commits = new Set(results.map(r => r.sha));
    expect(commits.size).toBeGreaterThan(1);
    expect(commits.size).toBeLessThan(10);
    expect(await repo.log()).toHaveLength(before.length + commits.size);
    for (let i = 0; i < 10; i++) {
      expect(await repo.show(`env/p${i}/VERSION`)).toBe('2.0.0\n');
    }
  });
});
