/*
 * The small process that starts git for the backend (see spawner.ts). It
 * runs alone on Node, with no dependency: plain CommonJS, shipped as it is.
 *
 * Over its IPC channel it is asked `{ type: 'start', id, args, cwd, env,
 * input }` and `{ type: 'kill', id }`, and answers `{ id, type: 'stdout' |
 * 'stderr', chunk }`, then `{ id, type: 'exit', code }` or `{ id, type:
 * 'error', message }`. Each git runs in a process group of its own, killed
 * whole. When the channel closes (the backend ended), it kills every git it
 * started and ends.
 */
'use strict';

const { spawn } = require('node:child_process');

/** The git processes under way, by the id the backend gave them. */
const running = new Map();

function post(message) {
  if (process.connected) process.send(message);
}

function killGroup(child) {
  if (!child || !child.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // It has ended already.
  }
}

function start({ id, args, cwd, env, input }) {
  let child;
  try {
    child = spawn('git', args, {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    post({ id, type: 'error', message: String(error?.message ?? error) });
    return;
  }
  running.set(id, child);
  child.stdout.on('data', chunk => post({ id, type: 'stdout', chunk }));
  child.stderr.on('data', chunk => post({ id, type: 'stderr', chunk }));
  // Git may stop before it has read all of its input (it was killed).
  child.stdin.on('error', () => {});
  child.on('error', error => {
    running.delete(id);
    post({ id, type: 'error', message: String(error?.message ?? error) });
  });
  child.on('close', code => {
    running.delete(id);
    post({ id, type: 'exit', code });
  });
  child.stdin.end(input ?? '');
}

process.on('message', message => {
  if (message.type === 'start') start(message);
  else if (message.type === 'kill') killGroup(running.get(message.id));
});

process.on('disconnect', () => {
  for (const child of running.values()) killGroup(child);
  process.exit(0);
});
