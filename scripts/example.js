/*
 * The local state of the example portal, under `.glu/` (ignored by Git):
 * the SQLite databases and the backend's working directory.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Creates the folders that the example portal's app-config points at. */
async function prepareExample(root, stateDir = path.join(root, '.glu')) {
  for (const dir of ['sqlite', 'work']) {
    fs.mkdirSync(path.join(stateDir, dir), { recursive: true });
  }
  return { stateDir };
}

module.exports = { prepareExample };
