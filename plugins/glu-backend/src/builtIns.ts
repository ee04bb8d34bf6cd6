import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { GluTelemetry } from './telemetry/GluTelemetry';
import {
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluSourcesExtensionPoint,
  gluLimits,
  gluTimeoutMillis,
  readHttpGateAllow,
} from '@glu-dev/plugin-glu-node';
import { builtInGates } from './gates';
import { createHttpGate } from './gates/http';
import { DocumentThreads } from './documents/DocumentThreads';
import { builtInFormats } from './documents/builtInFormats';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { ScmIntegrations } from '@backstage/integration';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { apiSource } from './sources/api/apiSource';
import { GitCredentials } from './sources/git/GitCredentials';
import { gluOptimizations } from './optimizations';
import { useGitSpawner } from './sources/git/spawner';
import { DEFAULT_GATHERING } from './sources/git/BranchWriteQueue';
import { GitRepositories } from './sources/git/GitRepositories';
import { GitSource } from './sources/git/gitSource';
import { createHelmSource } from './sources/helm/helmSource';
import { OciRegistryClient } from './sources/oci/OciRegistryClient';
import { createOciSource } from './sources/oci/ociSource';
import { readRegistries } from './sources/oci/registries';

/**
 * Where the clones live: `glu.workingDirectory`, or else a folder of this
 * backend's own under `backend.workingDirectory` (the system's temporary
 * folder by default), never inside the backend's source tree. The clones
 * are caches of the remotes: a new folder only costs a clone. Two backends
 * on one host (other ports, other base URLs) get folders of their own.
 */
export function gluWorkingDirectory(config: Config): string {
  const configured = config.getOptionalString('glu.workingDirectory');
  if (configured) return path.resolve(configured);
  const base =
    config.getOptionalString('backend.workingDirectory') ?? os.tmpdir();
  const backend = createHash('sha256')
    .update(config.getOptionalString('backend.baseUrl') ?? '')
    .digest('hex')
    .slice(0, 12);
  return path.join(base, `backstage-glu-${backend}`);
}

/**
 * How writes to one branch are gathered into one commit
 * (`glu.git.gathering`): its pause and window, else the defaults.
 */
export function gluGathering(config: Config): typeof DEFAULT_GATHERING {
  const millisOf = (key: string, fallback: number) =>
    config.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : fallback;
  return {
    pauseMillis: millisOf(
      'glu.git.gathering.pause',
      DEFAULT_GATHERING.pauseMillis,
    ),
    windowMillis: millisOf(
      'glu.git.gathering.window',
      DEFAULT_GATHERING.windowMillis,
    ),
  };
}

/**
 * Glu's own sources, formats and gates, registered through the same
 * extension points as anyone else's.
 *
 * @public
 */
export const gluModuleBuiltIns = createBackendModule({
  pluginId: 'glu',
  moduleId: 'built-ins',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        formats: gluFormatsExtensionPoint,
        sources: gluSourcesExtensionPoint,
        gates: gluGatesExtensionPoint,
        metrics: metricsServiceRef,
      },
      async init({
        config,
        logger,
        lifecycle,
        formats,
        sources,
        gates,
        metrics,
      }) {
        const optimizations = gluOptimizations(config);
        lifecycle.addShutdownHook(useGitSpawner(optimizations.gitSpawner));
        const httpTimeout = gluTimeoutMillis(config, 'http');
        const limits = gluLimits(config);
        gates.addGate(
          ...builtInGates,
          createHttpGate({
            allow: readHttpGateAllow(config),
            timeoutMillis: httpTimeout,
            maxAnswerBytes: limits.answerBytes,
          }),
        );
        // Large files and chart indexes are parsed off the main thread.
        const threads = new DocumentThreads(limits);
        lifecycle.addShutdownHook(() => threads.close());
        formats.addFormat(...builtInFormats(threads, limits));
        const registries = new OciRegistryClient({
          registries: readRegistries(config),
          timeoutMillis: httpTimeout,
          maxAnswerBytes: limits.answerBytes,
        });
        const integrations = ScmIntegrations.fromConfig(config);
        const repositories = new GitRepositories({
          workingDirectory: gluWorkingDirectory(config),
          credentials: new GitCredentials(integrations),
          logger,
          author: {
            name: config.getOptionalString('glu.git.author.name') ?? 'Glu',
            email:
              config.getOptionalString('glu.git.author.email') ??
              'glu@localhost',
          },
          gathering: gluGathering(config),
          timeoutMillis: gluTimeoutMillis(config, 'git'),
          maxFileBytes: limits.fileBytes,
          telemetry: new GluTelemetry({ metrics }),
        });
        sources.addSource(
          new GitSource({
            repositories,
            integrations,
            logger,
            announcedWrites: optimizations.announcedWrites,
          }),
          createOciSource(registries),
          createHelmSource(registries, {
            timeoutMillis: httpTimeout,
            limits,
            threads,
          }),
          apiSource,
        );
      },
    });
  },
});
