#!/usr/bin/env node
/*
 * The HTTP API's contract is written once, in
 * plugins/glu-backend/src/schema/openapi.yaml; everything else is generated
 * from it:
 *
 *   plugins/glu-backend/src/schema/openapi.generated.ts
 *     the document as a constant, from which the router is typed and its
 *     requests validated (@backstage/backend-openapi-utils)
 *   plugins/glu-common/src/schema/openapi.generated.ts
 *     the API's types (paths, operations, schemas), from which the typed
 *     client and the API types of glu-common are made (openapi-typescript)
 *
 * `node scripts/openapi.js` writes them (`yarn generate:openapi`);
 * `node scripts/openapi.js --check` exits 1 when a file differs from what
 * the document generates, which `npm test` runs.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const documentPath = path.join(
  root,
  'plugins/glu-backend/src/schema/openapi.yaml',
);
const HEADER = `// Generated from plugins/glu-backend/src/schema/openapi.yaml by
// scripts/openapi.js (yarn generate:openapi); do not edit.
`;

async function format(file, text) {
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Every generated file, by path, as the document generates it now. */
async function render() {
  const { parse } = require('yaml');
  const source = fs.readFileSync(documentPath, 'utf8');
  const document = parse(source);

  const specFile = path.join(
    root,
    'plugins/glu-backend/src/schema/openapi.generated.ts',
  );
  const spec = `${HEADER}/* eslint-disable */
export const spec = ${JSON.stringify(document, null, 2)} as const;
`;

  const { default: openapiTS, astToString } = await import(
    'openapi-typescript'
  );
  const ast = await openapiTS(document, {
    // Optional properties are absent rather than undefined, and additional
    // properties follow the document (strict about what it says).
    alphabetize: false,
    exportType: true,
  });
  const typesFile = path.join(
    root,
    'plugins/glu-common/src/schema/openapi.generated.ts',
  );
  const types = `${HEADER}/* eslint-disable */
${astToString(ast)}`;

  return new Map([
    [specFile, await format(specFile, spec)],
    [typesFile, await format(typesFile, types)],
  ]);
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await render();
  const stale = [];
  for (const [file, text] of files) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      stale.push(path.relative(root, file));
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${path.relative(root, file)}\n`);
    }
  }
  if (stale.length) {
    process.stderr.write(
      `These files differ from what ${path.relative(
        root,
        documentPath,
      )} generates:\n${stale
        .map(file => `  ${file}\n`)
        .join('')}Run \`yarn generate:openapi\` and commit the result.\n`,
    );
    process.exit(1);
  }
  if (check) {
    process.stdout.write(
      `The generated API code matches ${path.relative(root, documentPath)}.\n`,
    );
  }
}

module.exports = { render };

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
