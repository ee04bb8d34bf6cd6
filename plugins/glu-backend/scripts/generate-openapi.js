#!/usr/bin/env node
/*
 * Writes src/schema/openapi.generated.ts from src/schema/openapi.yaml, so the
 * router is typed and validated from the one OpenAPI document.
 * Run: yarn workspace @glu-dev/plugin-glu-backend generate:openapi
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const dir = path.join(__dirname, '..', 'src', 'schema');

function render() {
  const spec = parse(fs.readFileSync(path.join(dir, 'openapi.yaml'), 'utf8'));
  return `// Generated from openapi.yaml by scripts/generate-openapi.js; do not edit.
/* eslint-disable */
export const spec = ${JSON.stringify(spec, null, 2)} as const;
`;
}

module.exports = { render };

if (require.main === module) {
  fs.writeFileSync(path.join(dir, 'openapi.generated.ts'), render());
}
