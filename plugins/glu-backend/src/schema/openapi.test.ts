import { spec } from './openapi.generated';

describe('the OpenAPI document', () => {
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
