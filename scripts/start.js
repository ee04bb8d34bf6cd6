/*
 * `npm start`: runs the example portal (frontend on :3000, backend on :7007)
 * on its embedded defaults. Started by scripts/glu-dev.js on the pinned Node,
 * after the dependencies are installed.
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const { prepareExample } = require('./example');

const root = path.resolve(__dirname, '..');

async function main() {
  await prepareExample(root);
  const child = spawn(
    process.env.GLU_NODE ?? process.execPath,
    [process.env.GLU_YARN, 'dev', ...process.argv.slice(2)],
    // A process group of its own, so that stopping `npm start` stops the
    // frontend and backend dev servers under it too.
    { cwd: root, stdio: 'inherit', env: process.env, detached: true },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    });
  }
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch(error => {
  process.stderr.write(`[glu] ${error.stack ?? error}\n`);
  process.exit(1);
});
