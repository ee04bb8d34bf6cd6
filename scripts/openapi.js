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
 *   plugins/glu-backend/src/schema/zod.generated.ts
 *     the API's schemas as zod schemas, the output schemas of Glu's actions
 *     in the actions registry (json-schema-to-zod)
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

/**
 * The document's schemas as zod (v3, as the actions registry takes them),
 * each a constant named after the schema (`PipelineViewSchema`), in an
 * order where every schema comes after those it refers to.
 */
function zodSchemas(schemas) {
  const { jsonSchemaToZod } = require('json-schema-to-zod');
  const refOf = schema =>
    typeof schema?.$ref === 'string'
      ? schema.$ref.replace('#/components/schemas/', '')
      : undefined;
  const nameOf = schema => {
    const ref = refOf(schema);
    return ref ? `${ref}Schema` : undefined;
  };
  const refsIn = (value, found = new Set()) => {
    if (value && typeof value === 'object') {
      const ref = refOf(value);
      if (ref) found.add(ref);
      for (const child of Object.values(value)) refsIn(child, found);
    }
    return found;
  };
  const ordered = [];
  const visit = name => {
    if (ordered.includes(name)) return;
    for (const ref of refsIn(schemas[name])) if (ref !== name) visit(ref);
    ordered.push(name);
  };
  Object.keys(schemas).forEach(visit);
  return ordered
    .map(
      name =>
        `export const ${name}Schema = ${jsonSchemaToZod(schemas[name], {
          zodVersion: 3,
          noImport: true,
          parserOverride: nameOf,
        })};\n`,
    )
    .join('\n');
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
  // The types glu-common exports are public API (API reports), their
  // comments TSDoc: descriptions as text, no JSDoc-only tags.
  const types = `${HEADER}/* eslint-disable */
${astToString(ast)
  .replace(
    /^export (type|interface) (paths|components|operations)\b/gm,
    '/** @public */\nexport $1 $2',
  )
  .replace(/^\s*\/\*\* @enum \{string\} \*\/\n/gm, '')
  .replace(/^\s*\* @enum \{string\}\n/gm, '')
  .replace(/@description /g, '')
  .replace(/@default /g, 'Default: ')}`;

  const zodFile = path.join(
    root,
    'plugins/glu-backend/src/schema/zod.generated.ts',
  );
  const zod = `${HEADER}/* eslint-disable */
import { z } from 'zod/v3';
${zodSchemas(document.components.schemas)}`;

  return new Map([
    [specFile, await format(specFile, spec)],
    [typesFile, await format(typesFile, types)],
    [zodFile, await format(zodFile, zod)],
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
