/*
 * The reliability suite, hostile files: symbolic links out of the
 * repository, up its tree, to a folder and within it are never read or
 * written through.
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { useSuite } from './harness/suite';

describe('reliability: hostile files', () => {
  const suite = useSuite({
    name: 'hostile-files',
    repositories: { links: { 'env/real.yaml': 'version: 1.0.0\n' } },
    // Links out of the repository, up its tree, to a folder, within it.
    prepare: async ({ host }) => {
      host.commit('links', {}, 'Links', {
        'env/passwd.yaml': '/etc/passwd',
        'env/up.yaml': '../../../../../../etc/hostname',
        'env/alias.yaml': 'real.yaml',
        'env/dir': '/etc',
      });
    },
    entities: ({ host }) => [
      pipeline('link-out', host.url('links'), 'env/passwd.yaml'),
      pipeline('link-up', host.url('links'), 'env/up.yaml'),
      pipeline('link-alias', host.url('links'), 'env/alias.yaml'),
      pipeline('link-dir', host.url('links'), 'env/dir/hostname'),
    ],
  });

  it('symbolic links in the repository are never read or written through', async () => {
    const { host, replicas } = suite;
    const [a] = replicas;
    for (const name of ['link-out', 'link-up', 'link-dir']) {
      const staging = await eventually(`${name} to be refreshed`, async () => {
        const phase = await suite.phase(a, name);
        return phase?.refreshError || phase?.state ? phase : undefined;
      });
      // Nothing of the files outside the repository came in.
      expect([name, staging.state]).toEqual([name, undefined]);
      expect(staging.refreshError).toBeTruthy();
      expect((await suite.publish(a, name, '9.9.9')).status).toBe(200);
      const answer = await suite.promote(a, name);
      expect([name, [400, 409].includes(answer.status)]).toEqual([name, true]);
    }
    // A link within the repository to a file of it reads as that file, and
    // is not written through either.
    expect((await suite.publish(a, 'link-alias', '9.9.9')).status).toBe(200);
    const head = host.head('links');
    const answer = await suite.promote(a, 'link-alias');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(host.head('links')).toBe(head);
    suite.figure(
      'symbolic links',
      '4 pipelines on links (out of the repository, up its tree, through a linked folder, within it): nothing read from outside, every write refused with a 4xx',
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
