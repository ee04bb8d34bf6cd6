import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../__testUtils__/clock';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { GitCredentials } from './GitCredentials';
import { GitRepositories } from './GitRepositories';
import { GitRepository } from './GitRepository';

jest.setTimeout(60_000);

// Time is the test's: the queue's pause and window pass when the test
// moves its clock, however long git takes on a busy machine.
describe('GitRepositories', () => {
  let repo: GitFixture;
  let workingDirectory: string;
  let repositories: GitRepositories;
  let clock: ManualClock;

  beforeEach(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`env/p${i}/VERSION`] = '1.0.0\n';
    repo = await createGitFixture(files);
    workingDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-work-'));
    clock = new ManualClock();
    repositories = gatheringFor({ pauseMillis: 50, windowMillis: 2_000 });
  });

  function gatheringFor(
    gathering: {
      pauseMillis: number;
      windowMillis: number;
    },
    logger: LoggerService = mockServices.logger.mock(),
  ) {
    return new GitRepositories({
      workingDirectory,
      credentials: new GitCredentials(
        ScmIntegrations.fromConfig(new ConfigReader({})),
      ),
      logger,
      author: { name: 'Glu', email: 'glu@localhost' },
      gathering,
      clock,
      maxFileBytes: 1024 * 1024,
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
      clock.advance(10);
    }
    // The commit goes once a whole pause passed without an edit.
    expect(clock.nextIn).toBe(40);
    clock.advance(40);
    const results = await Promise.all(writes);
    expect(new Set(results.map(r => r.sha)).size).toBe(1);
    expect(results.every(r => r.changed)).toBe(true);
    const gathered = await repo.log();
    expect(gathered).toHaveLength(before.length + 1);
    expect(gathered[0].subject).toBe('glu: 10 changes');

    clock.advance(1_000);
    const lone = repositories.write(repo.url, 'main', edit(0, '3.0.0'));
    expect(clock.nextIn).toBe(50);
    clock.advance(49);
    expect(clock.nextIn).toBe(1);
    clock.advance(1);
    expect((await lone).changed).toBe(true);
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
      clock.advance(20);
    }
    // The first five went at 100 ms; the rest go once that commit landed,
    // their window being over.
    expect(await clock.fireNext()).toBe(0);
    const results = await Promise.all(writes);
    const shas = results.map(r => r.sha);
    expect(new Set(shas.slice(0, 5)).size).toBe(1);
    expect(new Set(shas.slice(5)).size).toBe(1);
    expect(shas[0]).not.toBe(shas[5]);
    expect(await repo.log()).toHaveLength(before.length + 2);
    for (let i = 0; i < 10; i++) {
      expect(await repo.show(`env/p${i}/VERSION`)).toBe('2.0.0\n');
    }
  });

  it('waits for the edits announced to it, within the window, and lets a commit go once what was announced arrived or was called off', async () => {
    const before = await repo.log();
    // Three edits on their way; the first arrives at once, the others long
    // after a pause: announced, they are waited for.
    const announced = [0, 1, 2].map(() =>
      repositories.expect(repo.url, 'main'),
    );
    const arrive = (i: number) =>
      repositories.write(repo.url, 'main', edit(i, '2.0.0'), announced[i]);
    const first = arrive(0);
    clock.advance(150);
    expect(clock.nextIn).toBe(2_000 - 150);
    const second = arrive(1);
    clock.advance(150);
    // The third will not come after all: one pause more.
    announced[2].cancel();
    announced[2].cancel();
    expect(clock.nextIn).toBe(50);
    clock.advance(50);
    const results = await Promise.all([first, second]);
    expect(results.every(r => r.changed)).toBe(true);
    expect(results[0].sha).toBe(results[1].sha);
    const log = await repo.log();
    expect(log).toHaveLength(before.length + 1);
    expect(log[0].subject).toBe('glu: 2 changes');

    // An announcement that never arrives holds a commit up for its window
    // only.
    repositories = gatheringFor({ pauseMillis: 50, windowMillis: 300 });
    clock.advance(1_000);
    repositories.expect(repo.url, 'main');
    const alone = repositories.write(repo.url, 'main', edit(2, '2.0.0'));
    expect(clock.nextIn).toBe(300);
    clock.advance(299);
    expect(clock.nextIn).toBe(1);
    clock.advance(1);
    expect((await alone).changed).toBe(true);
    expect(await repo.log()).toHaveLength(before.length + 2);
  });

  it('builds the commit of edits asked for during the last one on it without a fetch, and applies them again when the branch moved meanwhile', async () => {
    const said: string[] = [];
    const logger: LoggerService = {
      info: (message: string) => said.push(message),
      warn: (message: string) => said.push(message),
      error: (message: string) => said.push(message),
      debug: () => {},
      child: () => logger,
    };
    repositories = gatheringFor(
      { pauseMillis: 300, windowMillis: 2_000 },
      logger,
    );
    const before = await repo.log();
    // The first commit is under way (its edit is being made) when the
    // second edit is asked for.
    let letGo = () => {};
    const making = new Promise<void>(resolve => {
      letGo = resolve;
    });
    let madeStart = () => {};
    const started = new Promise<void>(resolve => {
      madeStart = resolve;
    });
    const first = repositories.write(repo.url, 'main', {
      ...edit(0, '2.0.0'),
      apply: async () => {
        madeStart();
        await making;
        return '2.0.0\n';
      },
    });
    clock.advance(300);
    await started;
    const second = repositories.write(repo.url, 'main', edit(1, '2.0.0'));
    letGo();
    const one = await first;
    // Someone else pushes before the second commit goes: its pause has not
    // passed, however long the push takes.
    const theirs = await repo.commit(
      { 'env/p5/VERSION': '9.9.9\n' },
      "A person's change",
    );
    expect(await clock.fireNext()).toBe(300);
    const two = await second;
    expect(one.changed && two.changed).toBe(true);
    expect(two.sha).not.toBe(one.sha);
    // Built on what it knew (the first commit), refused by the lease on it,
    // fetched and applied again on top of the person's change, which stays.
    expect(said.some(m => /rejected because the branch moved/.test(m))).toBe(
      true,
    );
    const log = await repo.log();
    expect(log.map(c => c.sha).slice(0, 3)).toEqual([two.sha, theirs, one.sha]);
    expect(log).toHaveLength(before.length + 3);
    expect(await repo.show('env/p5/VERSION')).toBe('9.9.9\n');
    expect(await repo.show('env/p0/VERSION')).toBe('2.0.0\n');
    expect(await repo.show('env/p1/VERSION')).toBe('2.0.0\n');
  });

  it('waits for announced edits, and starts the fetch their commit builds on with the first', async () => {
    const fetch = jest.spyOn(GitRepository.prototype, 'fetch');
    const before = await repo.log();
    const announced = [0, 1, 2].map(() =>
      repositories.expect(repo.url, 'main'),
    );
    // The fetch the commit builds on starts with the first.
    expect(fetch).toHaveBeenCalledTimes(1);
    const writes = [0, 1, 2].map(i =>
      repositories.write(repo.url, 'main', edit(i, '2.0.0'), announced[i]),
    );
    clock.advance(50);
    const results = await Promise.all(writes);
    expect(results.every(r => r.changed && r.before === '1.0.0\n')).toBe(true);
    expect(await repo.log()).toHaveLength(before.length + 1);
    fetch.mockRestore();
  });

  it('fetches a failing remote once for the edits announced to it, and the commit says why', async () => {
    const fetch = jest.spyOn(GitRepository.prototype, 'fetch');
    const url = `file://${path.join(workingDirectory, 'gone.git')}`;
    const announced = [];
    for (let i = 0; i < 5; i++) {
      announced.push(repositories.expect(url, 'main'));
      clock.advance(50);
    }
    // One fetch, started with the first announcement, not retried by the
    // announcements that follow.
    expect(fetch).toHaveBeenCalledTimes(1);
    const writing = repositories.write(
      url,
      'main',
      edit(0, '2.0.0'),
      announced[0],
    );
    announced.slice(1).forEach(a => a.cancel());
    clock.advance(50);
    const [result] = await Promise.allSettled([writing]);
    // The commit says why: the remote could not be fetched.
    expect(result).toMatchObject({
      status: 'rejected',
      reason: { name: 'ServiceUnavailableError' },
    });
    fetch.mockRestore();
  });

  it('commits files whatever their names and characters, each exactly, on top of the branch', async () => {
    const files = {
      'env/my app/values.yaml': 'image: a\n',
      'env/"quoted"/VERSION': '1.0.0\n',
      'env/ünïcode → tag/VERSION': '1.0.0\n',
      'env/tab\there/VERSION': '1.0.0\n',
      '"lead"/VERSION': '1.0.0\n',
    };
    const head = await repo.commit(files, 'Files with unusual names');
    const before = await repo.log();
    const contents = {
      'env/my app/values.yaml': 'image: b # ünïcode, “quotes”, ✓\n',
      'env/"quoted"/VERSION': '2.0.0\n',
      'env/ünïcode → tag/VERSION': '2.0.0',
      'env/tab\there/VERSION': '\n\n2.0.0\n\n',
      '"lead"/VERSION': '2.0.0\n',
    };
    const writes = Object.entries(contents).map(([file, content]) =>
      repositories.write(repo.url, 'main', {
        path: file,
        apply: async () => content,
        message: { subject: `${file} changed`, body: 'Body: of it' },
      }),
    );
    clock.advance(50);
    const results = await Promise.all(writes);
    expect(new Set(results.map(r => r.sha)).size).toBe(1);
    const [made] = await repo.log();
    expect(made.sha).toBe(results[0].sha);
    expect(made.author).toBe('Glu');
    expect(await repo.log()).toHaveLength(before.length + 1);
    for (const [file, content] of Object.entries(contents)) {
      expect(await repo.show(file)).toBe(content);
    }
    expect((await repo.numstat(made.sha)).length).toBe(5);
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', repo.bareDir, ...args], {
        encoding: 'utf8',
      });
    expect(git('rev-parse', `${made.sha}^`).trim()).toBe(head);
    // Every other file as it was; the message as given, with its body.
    expect(
      git('diff', '--name-only', '-z', head, made.sha)
        .split('\0')
        .filter(Boolean)
        .sort(),
    ).toEqual(Object.keys(contents).sort());
    expect(git('log', '-1', '--format=%B', made.sha)).toContain('Body: of it');
    expect(git('fsck', '--no-progress', '--strict')).toBe('');
  });
});
