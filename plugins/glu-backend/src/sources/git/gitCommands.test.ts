import { ConfigReader } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { silentHost } from '../../__testUtils__/silentHost';
import { GitCredentials } from './GitCredentials';
import { withGit } from './gitCommands';
import { useGitSpawner } from './spawner';

jest.setTimeout(20_000);

describe.each([
  ['in the backend', false],
  ['in the spawner process', true],
])('withGit, git run %s', (_, spawner) => {
  let stopSpawner: () => void;
  beforeAll(() => {
    stopSpawner = useGitSpawner(spawner);
  });
  afterAll(() => stopSpawner());

  let repo: GitFixture;
  const credentials = new GitCredentials(
    ScmIntegrations.fromConfig(new ConfigReader({})),
  );

  beforeEach(async () => {
    repo = await createGitFixture({ 'env/version.yaml': 'version: 1\n' });
  });

  afterEach(() => repo.cleanup());

  it('stops git and the helpers it started at the deadline: 503 saying so, and the host is let go', async () => {
    const host = await silentHost();
    try {
      const fetching = withGit(
        {
          cwd: repo.bareDir,
          url: host.url,
          credentials,
          // Long enough for git to connect first, even on a loaded machine.
          timeoutMillis: 4_000,
        },
        git => git.raw(['fetch', host.url]),
      );
      const socket = await host.connection();
      const closed = new Promise(resolve => socket.once('close', resolve));
      await expect(fetching).rejects.toThrow(ServiceUnavailableError);
      await expect(fetching).rejects.toThrow(
        `git did not finish with ${host.url} within 4s and was stopped`,
      );
      // Only the end of `git-remote-http` closes its connection.
      await closed;
    } finally {
      await host.close();
    }
  });

  it('fails a command that exits with anything but 0, silent or not, with what git printed', async () => {
    const options = {
      cwd: repo.bareDir,
      url: repo.url,
      credentials,
      timeoutMillis: 10_000,
    };
    const [first] = await repo.log();
    const second = await repo.commit(
      { 'env/version.yaml': 'version: 2\n' },
      'Two',
    );
    // Not an ancestor: exit 1, and not a word.
    await expect(
      withGit(options, git =>
        git.raw(['merge-base', '--is-ancestor', second, first.sha]),
      ),
    ).rejects.toThrow('git failed with exit code 1');
    await expect(
      withGit(options, git => git.raw(['rev-parse', '--verify', 'nope'])),
    ).rejects.toThrow(/fatal: Needed a single revision/);
  });
});
