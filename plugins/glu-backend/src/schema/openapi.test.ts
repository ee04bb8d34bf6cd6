import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { spec } from './openapi.generated';

describe('the OpenAPI document', () => {
  it('is what the router is generated from (run generate:openapi after editing it)', () => {
    const document = parse(
      fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(spec).toEqual(document);
  });

  it('describes every route with an operation id', () => {
    for (const [route, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect([route, method, (operation as any).operationId]).toEqual([
          route,
          method,
          expect.stringMatching(/^[A-Z]\w+$/),
        ]);
      }
    }
  });
});
