/*
 * Git for one piece of work under one deadline: the porcelain and network
 * commands (init, fetch, push, ls-remote, rev-parse, log, …) through
 * simple-git, and the streaming plumbing (plumbing.ts) beside them. The
 * credentials travel in git's environment only, and nothing thrown holds
 * them.
 */
import { ServiceUnavailableError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { GitPluginError, simpleGit } from 'simple-git';
import { GitCredentials, scrub } from './GitCredentials';
import { PlumbingOptions } from './plumbing';

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

/** How simple-git starts git: the program, and what comes before git's own arguments. */
interface Launcher {
  binary: [string] | [string, string];
  prefix: string[];
}

let launcher: Promise<Launcher> | undefined;

/**
 * Under GNU `timeout` with no duration of its own (0), git runs in a process
 * group of its own, and the signal that simple-git sends at the deadline
 * reaches the whole group: a `git-remote-http` waiting on a host that never
 * answers dies with git (simple-git's spawn options cannot start a process
 * group). Without GNU `timeout` (macOS), git is started as it is, and its
 * helpers end at git's own low-speed limit.
 */
function launcherOf(): Promise<Launcher> {
  launcher ??= new Promise(resolve =>
    execFile('timeout', ['--version'], { timeout: 10_000 }, (error, out) =>
      resolve(
        !error && /GNU coreutils/.test(String(out))
          ? { binary: ['timeout', '0'], prefix: ['git'] }
          : { binary: ['git'], prefix: [] },
      ),
    ),
  );
  return launcher;
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
  const { binary, prefix } = await launcherOf();
  const simple = simpleGit({
    baseDir: cwd,
    binary,
    abort: deadline,
    // Done when git has exited: no wait for the streams of helpers it left.
    completion: { onExit: 0 },
    // Glu's own GIT_CONFIG_* carry the credentials (see GitCredentials).
    unsafe: { allowUnsafeConfigEnvCount: true },
    // Any exit but 0 fails, with what git printed on either stream; one of
    // simple-git's own (the deadline) stays as it is.
    errors: (error, result) => {
      if (result.exitCode === 0 || error instanceof GitPluginError) {
        return error;
      }
      const err = Buffer.concat(result.stdErr).toString('utf8').trim();
      const out = Buffer.concat(result.stdOut).toString('utf8').trim();
      return Buffer.from(
        [err, out].filter(Boolean).join('\n') ||
          `git failed with exit code ${result.exitCode}`,
      );
    },
  }).env(env);
  const git: Git = {
    raw: args => simple.raw([...prefix, ...args]),
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
