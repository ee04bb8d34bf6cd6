/*
 * `npm start`: runs the example portal (frontend on :3000, backend on :7007)
 * on its embedded defaults, with a Prometheus beside it (on
 * GLU_PROMETHEUS_PORT, 9090 by default) that scrapes the example backend's
 * stand-in traffic for the example's prometheus gates. Started by
 * scripts/glu-dev.js on the pinned Node, after the dependencies are
 * installed.
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const { prepareExample } = require('./example');
const { startPrometheus } = require('./tools');

const root = path.resolve(__dirname, '..');

async function main() {
  const { stateDir } = await prepareExample(
    root,
    // The state that app-config.yaml reads: .glu/, or GLU_EXAMPLE_DIR.
    process.env.GLU_EXAMPLE_DIR
      ? path.resolve(root, 'packages', 'backend', process.env.GLU_EXAMPLE_DIR)
      : undefined,
  );
  // Without it, the example's prometheus gates wait; the rest runs.
  const prometheus = await startPrometheus({
    dir: path.join(stateDir, 'prometheus'),
    port: Number(process.env.GLU_PROMETHEUS_PORT || 9090),
  });
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
      prometheus?.stop();
    });
  }
  child.on('exit', async (code, signal) => {
    await prometheus?.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch(error => {
  process.stderr.write(`[glu] ${error.stack ?? error}\n`);
  process.exit(1);
});
