import gluModuleGithub from '@glu-dev/plugin-glu-backend-module-github';
import { FakeGitHub } from '@internal/glu-github-fake';
// The test backend of Glu's own tests, which the package does not publish.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { startGlu } from '@glu-dev/plugin-glu-backend/src/__testUtils__/backend';
import { databases, runGlu, urlOf } from './__testUtils__/glu';

jest.setTimeout(180_000);

describe('glu promote --wait', () => {
  const FILE = 'env/production.yaml';

  it('follows a pull request until it merges and the phase holds the version', async () => {
    const github = await FakeGitHub.start({
      files: {
        'env/staging.yaml': 'version: 1.1.0\n',
        [FILE]: 'version: 1.0.0\n',
      },
    });
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [
        {
          apiVersion: 'glu.dev/v1alpha1',
          kind: 'Pipeline',
          metadata: { name: 'checkout', namespace: 'default' },
          spec: {
            owner: 'group:default/team-checkout',
            phases: ['staging', 'production'].map((name, i) => ({
              name,
              source: {
                type: 'git',
                repository: github.cloneUrl,
                path: `env/${name}.yaml`,
                format: { type: 'yaml-path', key: 'version' },
              },
              ...(i === 1
                ? { promotion: { from: 'staging', strategy: 'pull-request' } }
                : {}),
            })),
          },
        },
      ],
      features: [gluModuleGithub],
      rootConfig: { integrations: { github: [github.integration] } },
    });
    try {
      const waiting = runGlu(urlOf(glu.server), [
        'promote',
        'checkout',
        'production',
        '--wait',
      ]);
      const deadline = Date.now() + 60_000;
      while (github.openPulls().length === 0) {
        if (Date.now() > deadline) throw new Error('No pull request opened');
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      // A moment with the pull request open, then it is merged on GitHub.
      await new Promise(resolve => setTimeout(resolve, 1500));
      await github.merge(github.openPulls()[0].number);
      const done = await waiting;
      expect(done.code).toBe(0);
      expect(done.stderr).toMatch(
        /pull request #1 open: waiting for it to merge \(http\S+\/pull\/1\)/,
      );
      expect(done.stdout).toMatch(
        /^promotion \S+ into production \(1\.0\.0 → 1\.1\.0\): succeeded pull request #1 /,
      );
      expect(await github.show(FILE)).toBe('version: 1.1.0\n');
      // Every request to GitHub and every answer as GitHub describes them.
      expect([...github.violations]).toEqual([]);
    } finally {
      await glu.stop();
      await github.stop();
    }
  });
});
