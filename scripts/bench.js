/*
 * `npm run bench`: Glu's speed side by side with the floor (the git CLI, the
 * catalog's own endpoints), as ratios. See packages/system-tests/src/bench.
 * Not part of `npm test`: it measures, it does not pass or fail on figures.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const result = spawnSync(
  process.env.GLU_NODE ?? process.execPath,
  [process.env.GLU_YARN, 'workspace', '@internal/glu-system-tests', 'bench'],
  { cwd: root, stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
