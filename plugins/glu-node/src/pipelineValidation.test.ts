import { mockServices } from '@backstage/backend-test-utils';
import {
  BUILT_IN_FORMAT_TYPES,
  BUILT_IN_SOURCE_TYPES,
} from '@glu-dev/plugin-glu-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GluExtensionTypesClient } from './pipelineValidation';

/** A Glu backend whose /extensions answers, or never does. */
async function startGlu(answer: 'types' | 'hang') {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    if (answer === 'hang') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        sources: ['git', 'oci', 'extra'],
        writableSources: ['git'],
        formats: ['yaml'],
        gates: ['approvals'],
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    asked,
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => `http://127.0.0.1:${port}/api/glu`,
    }),
    stop: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

describe('GluExtensionTypesClient', () => {
  it('validates against the types the Glu backend runs', async () => {
    const glu = await startGlu('types');
    try {
      const client = new GluExtensionTypesClient({
        discovery: glu.discovery,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      });
      await expect(client.get()).resolves.toEqual({
        sourceTypes: ['git', 'oci', 'extra'],
        writableSourceTypes: ['git'],
        formatTypes: ['yaml'],
        gateTypes: ['approvals'],
      });
      expect(glu.asked).toEqual(['/api/glu/extensions']);
    } finally {
      await glu.stop();
    }
  });

  it('stops asking a backend that does not answer by its deadline, and validates against the built-in types', async () => {
    const glu = await startGlu('hang');
    const logger = mockServices.logger.mock();
    try {
      const client = new GluExtensionTypesClient({
        discovery: glu.discovery,
        auth: mockServices.auth(),
        logger,
        timeoutMillis: 200,
      });
      const types = await client.get();
      expect(types.sourceTypes).toEqual(BUILT_IN_SOURCE_TYPES);
      expect(types.formatTypes).toEqual(BUILT_IN_FORMAT_TYPES);
      expect(glu.asked).toEqual(['/api/glu/extensions']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Could not ask the Glu backend which source and format types exist; validating pipelines against the built-in ones: .*(TimeoutError|aborted)/,
        ),
      );
    } finally {
      await glu.stop();
    }
  });
});
