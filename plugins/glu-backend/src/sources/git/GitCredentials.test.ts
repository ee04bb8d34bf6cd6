import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { startGitHttpServer } from '@internal/glu-github-fake';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { commitUrlOf, GitCredentials, scrub } from './GitCredentials';

const run = promisify(execFile);

/** An HTTP server on loopback; answers where it listens. */
async function listen(
  address: string,
  handle: http.RequestListener,
): Promise<{ origin: string; close(): void }> {
  const server = http.createServer(handle);
  await new Promise<void>(resolve => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${address}:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'ghp_secret123' }],
      gitlab: [{ host: 'gitlab.com', token: 'glpat-secret456' }],
    },
  }),
);

describe('GitCredentials', () => {
  const credentials = new GitCredentials(integrations);

  it('carries a GitHub token in git config from the environment, not in the URL', async () => {
    const { env, secrets } = await credentials.forUrl(
      'https://github.com/acme/gitops',
    );
    const basic = Buffer.from('x-access-token:ghp_secret123').toString(
      'base64',
    );
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      GIT_CONFIG_KEY_1: 'http.followRedirects',
      GIT_CONFIG_VALUE_1: 'false',
    });
    expect(secrets).toEqual(['ghp_secret123', basic]);
  });

  it('uses GitLab tokens too, and nothing for local repositories', async () => {
    const gitlab = await credentials.forUrl(
      'https://gitlab.com/acme/gitops.git',
    );
    expect(gitlab.secrets[0]).toBe('glpat-secret456');
    expect(await credentials.forUrl('file:///srv/git/gitops.git')).toEqual({
      env: {},
      secrets: [],
    });
  });

  it('keeps the credentials from following a redirect to another host', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-redirect-'));
    await run('git', ['init', '--quiet', '--bare', path.join(root, 'r.git')]);
    await run('git', [
      '-C',
      path.join(root, 'r.git'),
      'symbolic-ref',
      'HEAD',
      'refs/heads/main',
    ]);
    const git = await startGitHttpServer({ root });
    // Another host (another loopback address) that serves the repository
    // and notes every Authorization header it is sent.
    const seen: string[] = [];
    const other = await listen('127.0.0.2', (req, res) => {
      if (req.headers.authorization) seen.push(req.headers.authorization);
      const upstream = http.request(
        `http://127.0.0.1:${git.port}${req.url}`,
        { method: req.method, headers: req.headers },
        answer => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    const host = await listen('127.0.0.1', (req, res) =>
      res.writeHead(302, { location: `${other.origin}${req.url}` }).end(),
    );
    try {
      const hostName = new URL(host.origin).host;
      const redirecting = new GitCredentials(
        ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: {
              gitlab: [
                {
                  host: hostName,
                  apiBaseUrl: `${host.origin}/api/v4`,
                  token: 'glpat-redirected',
                },
              ],
            },
          }),
        ),
      );
      const { env } = await redirecting.forUrl(`${host.origin}/r.git`);
      const listed = await run('git', ['ls-remote', `${host.origin}/r.git`], {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
      }).then(
        () => 'listed through the redirect',
        error => String(error),
      );
      expect(seen).toEqual([]);
      expect(listed).toMatch(/returned error: 302/);
    } finally {
      host.close();
      other.close();
      await git.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('scrubs secrets out of messages', () => {
    expect(
      scrub('fatal: Authorization: Basic abc== failed for ghp_secret123', [
        'ghp_secret123',
        'abc==',
      ]),
    ).toBe('fatal: Authorization: Basic *** failed for ***');
  });

  it('links commits on known hosts', () => {
    expect(
      commitUrlOf(integrations, 'https://github.com/acme/gitops.git', 'abc'),
    ).toBe('https://github.com/acme/gitops/commit/abc');
    expect(commitUrlOf(integrations, 'file:///srv/git/gitops.git', 'abc')).toBe(
      undefined,
    );
  });
});
