import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  GluFormat,
  GluGate,
  GluSource,
  gluLimits,
  GluWriteScopes,
} from '@glu-dev/plugin-glu-node';
import os from 'node:os';
import path from 'node:path';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { PhaseSources } from '../pipelines/PhaseSources';
import { PipelineViews } from '../views/PipelineViews';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { DocumentThreads } from '../documents/DocumentThreads';
import { builtInFormats } from '../documents/builtInFormats';
import { builtInGates } from '../gates';
import { apiSource } from '../sources/api/apiSource';
import { GitCredentials } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { GitSource } from '../sources/git/gitSource';
import { GluStore } from '../store/GluStore';
import { Freezes } from '../freezing/Freezes';
import { Quarantines } from '../quarantine/Quarantines';

/**
 * The engine's read side on a store, with the built-in sources, formats and
 * gates: for tests that fill the store themselves.
 */
export function readSideOf(store: GluStore) {
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  const logger = mockServices.logger.mock();
  const limits = gluLimits(new ConfigReader({}));
  const formats = new ExtensionRegistry<GluFormat>('format');
  formats.add(...builtInFormats(new DocumentThreads(limits), limits));
  const sourceTypes = new ExtensionRegistry<GluSource>('source');
  sourceTypes.add(
    new GitSource({
      repositories: new GitRepositories({
        workingDirectory: path.join(os.tmpdir(), 'glu-unused'),
        credentials: new GitCredentials(integrations),
        logger,
        author: { name: 'Glu', email: 'glu@localhost' },
        maxFileBytes: limits.fileBytes,
      }),
      integrations,
      logger,
    }),
    apiSource,
  );
  const gates = new ExtensionRegistry<GluGate>('gate');
  gates.add(...builtInGates);
  const sources = new PhaseSources({
    sources: sourceTypes,
    formats,
    scopes: GluWriteScopes.of([{ repository: '*', paths: ['**'] }]),
  });
  const freezes = new Freezes({ store, configured: [] });
  const quarantines = new Quarantines({ store });
  const decisions = new EdgeDecisions({
    store,
    sources,
    gates,
    freezes,
    quarantines,
  });
  return { sources, decisions, views: new PipelineViews({ store, decisions }) };
}
