/*
 * Git for one piece of work under one deadline: the porcelain and network
 * commands (init, fetch, push, ls-remote, rev-parse, log, …) through
 * simple-git, and the streaming plumbing (plumbing.ts) beside them, both
 * run by git/gitRunner.cjs where spawner.ts says. The credentials travel in
 * git's environment only, and nothing thrown holds them.
 */
import { ServiceUnavailableError } from '@backstage/errors';
import { GitCredentials, scrub } from './GitCredentials';
import { PlumbingOptions } from './plumbing';
import { gitRunner } from './spawner';

/** Git, in one repository, for one piece of work under one deadline. */
export interface Git {
  /** A porcelain or network command: what it printed. */
  raw(args: string[]): Promise<string>;
  /** Where the streaming plumbing runs, under the same deadline. */
  plumbing: PlumbingOptions;
}

/** What git needs from the environment, and nothing that could run code. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function gitEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    // A transfer that stalls below 1 kB/s for 30 s is given up by git itself.
    GIT_HTTP_LOW_SPEED_LIMIT: '1000',
    GIT_HTTP_LOW_SPEED_TIME: '30',
    ...extra,
  };
}

/**
 * Runs work with git in `cwd`, with a deadline, and rethrows its errors
 * without any secret in them. Past the deadline, git and what it started
 * are killed and the error says so (503: the remote did not answer in time).
 */
export async function withGit<T>(
  options: {
    cwd: string;
    url: string;
    credentials: GitCredentials;
    timeoutMillis: number;
  },
  work: (git: Git) => Promise<T>,
): Promise<T> {
  const { cwd, url, timeoutMillis } = options;
  const deadline = AbortSignal.timeout(timeoutMillis);
  // The credentials travel as an http.extraHeader in GIT_CONFIG_* of Glu's
  // own making (see GitCredentials), never from elsewhere.
  const { env: credentialsEnv, secrets } = await options.credentials.forUrl(
    url,
  );
  const env = gitEnv(credentialsEnv);
  const runner = gitRunner();
  const git: Git = {
    raw: args => runner.runSimpleGit({ cwd, env, args }, deadline),
    plumbing: { cwd, env, signal: deadline },
  };
  try {
    return await work(git);
  } catch (error) {
    if (deadline.aborted) {
      throw new ServiceUnavailableError(
        `git did not finish with ${url} within ${Math.round(
          timeoutMillis / 1000,
        )}s and was stopped`,
      );
    }
    const message = scrub(
      error instanceof Error ? error.message : String(error),
      secrets,
    ).trim();
    throw new Error(message);
  }
}
