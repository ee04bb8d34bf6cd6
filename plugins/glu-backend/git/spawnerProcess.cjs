/*
 * The small process that runs git for the backend (see spawner.ts): the
 * commands of gitRunner.cjs, asked for over its IPC channel.
 *
 *   { type: 'simple', id, request }  → { id, type: 'done', stdout }
 *                                      or { id, type: 'failed', message }
 *   { type: 'start', id, start }     → { id, type: 'stdout' | 'stderr', chunk }…
 *                                      then { id, type: 'exit', code }
 *                                      or { id, type: 'failed', message }
 *   { type: 'kill', id }             stops either
 *
 * When the channel closes (the backend ended or let go of it) or it is sent
 * SIGTERM, it kills every git it runs and ends.
 */
'use strict';

const { runSimpleGit, startGit } = require('./gitRunner.cjs');

/** How to stop each command under way, by the id the backend gave it. */
const running = new Map();

function post(message) {
  if (process.connected) process.send(message);
}

function failed(id, error) {
  running.delete(id);
  post({ id, type: 'failed', message: String(error?.message ?? error) });
}

function simple({ id, request }) {
  const controller = new AbortController();
  running.set(id, () => controller.abort());
  runSimpleGit(request, controller.signal).then(
    stdout => {
      running.delete(id);
      post({ id, type: 'done', stdout });
    },
    error => failed(id, error),
  );
}

function start({ id, start: what }) {
  let git;
  try {
    git = startGit(what, {
      stdout: chunk => post({ id, type: 'stdout', chunk }),
      stderr: chunk => post({ id, type: 'stderr', chunk }),
    });
  } catch (error) {
    failed(id, error);
    return;
  }
  running.set(id, git.kill);
  git.exited.then(
    code => {
      running.delete(id);
      post({ id, type: 'exit', code });
    },
    error => failed(id, error),
  );
}

process.on('message', message => {
  if (message.type === 'simple') simple(message);
  else if (message.type === 'start') start(message);
  else if (message.type === 'kill') running.get(message.id)?.();
});

/** Kills every git under way, with what it started, and ends. */
function end() {
  for (const stop of running.values()) stop();
  process.exit(0);
}

process.on('disconnect', end);
process.on('SIGTERM', end);
