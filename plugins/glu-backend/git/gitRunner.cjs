/*
 * How every git command of Glu's runs, in one place: the porcelain and
 * network commands through simple-git, the streaming plumbing as a process
 * whose output is read as it comes. The backend runs it in its own process,
 * or the spawner process runs it for the backend (spawner.ts), so it is
 * plain CommonJS that Node loads as it is, in a build and from source.
 */
'use strict';

const { execFile, spawn } = require('node:child_process');
const { GitPluginError, simpleGit } = require('simple-git');

let launcher;

/**
 * How simple-git starts git. Under GNU `timeout` with no duration of its own
 * (0), git runs in a process group of its own, and the signal that
 * simple-git sends at the deadline reaches the whole group: a
 * `git-remote-http` waiting on a host that never answers dies with git
 * (simple-git's spawn options cannot start a process group). Without GNU
 * `timeout` (macOS), git is started as it is, and its helpers end at git's
 * own low-speed limit.
 */
function launcherOf() {
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
 * A porcelain or network command (`{ cwd, env, args }`), through simple-git,
 * stopped at `signal`: what it printed. Any exit but 0 fails, with what git
 * printed on either stream.
 */
async function runSimpleGit(request, signal) {
  const { binary, prefix } = await launcherOf();
  const git = simpleGit({
    baseDir: request.cwd,
    binary,
    abort: signal,
    // Done when git has exited: no wait for the streams of helpers it left.
    completion: { onExit: 0 },
    // Glu's own GIT_CONFIG_* carry the credentials (see GitCredentials).
    unsafe: { allowUnsafeConfigEnvCount: true },
    // One of simple-git's own errors (the deadline) stays as it is.
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
  }).env(request.env);
  return git.raw([...prefix, ...request.args]);
}

/**
 * A plumbing command (`{ cwd, env, args, input }`) in a process group of its
 * own: what it prints goes to `output.stdout` and `output.stderr` as it
 * comes. Answers `{ exited, kill }`: its exit code (null once killed), and
 * how to kill it with everything it started.
 */
function startGit(start, output) {
  const child = spawn('git', start.args, {
    cwd: start.cwd,
    env: start.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.on('data', output.stdout);
  child.stderr.on('data', output.stderr);
  // Git may stop before it has read all of its input (it was killed).
  child.stdin.on('error', () => {});
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(start.input ?? '');
  return {
    exited,
    kill: () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // It has ended already.
      }
    },
  };
}

module.exports = { runSimpleGit, startGit };
