import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { GluFormat, GluGate, GluPullRequestProvider, GluSource } from './types';

/** Registers file formats with the Glu backend. */
export interface GluFormatsExtensionPoint {
  addFormat(...formats: GluFormat[]): void;
}

/** Extension point for file formats of Git-backed phases. */
export const gluFormatsExtensionPoint =
  createExtensionPoint<GluFormatsExtensionPoint>({
    id: 'glu.formats',
  });

/** Registers sources with the Glu backend. */
export interface GluSourcesExtensionPoint {
  addSource(...sources: GluSource[]): void;
}

/** Extension point for the sources that phases read from and write to. */
export const gluSourcesExtensionPoint =
  createExtensionPoint<GluSourcesExtensionPoint>({
    id: 'glu.sources',
  });

/** Registers gates with the Glu backend. */
export interface GluGatesExtensionPoint {
  addGate(...gates: GluGate[]): void;
}

/** Extension point for the conditions that promotions must pass. */
export const gluGatesExtensionPoint =
  createExtensionPoint<GluGatesExtensionPoint>({
    id: 'glu.gates',
  });

/** Registers pull-request providers with the Glu backend. */
export interface GluPullRequestProvidersExtensionPoint {
  addPullRequestProvider(...providers: GluPullRequestProvider[]): void;
}

/**
 * Extension point for the Git hosts that promotions by pull request open
 * their pull requests on (GitHub, GitLab, Bitbucket, …).
 */
export const gluPullRequestProvidersExtensionPoint =
  createExtensionPoint<GluPullRequestProvidersExtensionPoint>({
    id: 'glu.pull-request-providers',
  });
