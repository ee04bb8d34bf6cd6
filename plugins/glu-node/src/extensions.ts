import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { GluGate } from './gates';
import { GluFormat, GluPullRequestProvider, GluSource } from './types';
import { GluWebhookParser } from './webhooks';

/**
 * Registers file formats with the Glu backend.
 *
 * @public
 */
export interface GluFormatsExtensionPoint {
  addFormat(...formats: GluFormat[]): void;
}

/**
 * Extension point for file formats of Git-backed phases.
 *
 * @public
 */
export const gluFormatsExtensionPoint =
  createExtensionPoint<GluFormatsExtensionPoint>({
    id: 'glu.formats',
  });

/**
 * Registers sources with the Glu backend.
 *
 * @public
 */
export interface GluSourcesExtensionPoint {
  addSource(...sources: GluSource[]): void;
}

/**
 * Extension point for the sources that phases read from and write to.
 *
 * @public
 */
export const gluSourcesExtensionPoint =
  createExtensionPoint<GluSourcesExtensionPoint>({
    id: 'glu.sources',
  });

/**
 * Registers gates with the Glu backend.
 *
 * @public
 */
export interface GluGatesExtensionPoint {
  addGate(...gates: GluGate[]): void;
}

/**
 * Extension point for the conditions that promotions must pass.
 *
 * @public
 */
export const gluGatesExtensionPoint =
  createExtensionPoint<GluGatesExtensionPoint>({
    id: 'glu.gates',
  });

/**
 * Registers pull-request providers with the Glu backend.
 *
 * @public
 */
export interface GluPullRequestProvidersExtensionPoint {
  addPullRequestProvider(...providers: GluPullRequestProvider[]): void;
}

/**
 * Extension point for the Git hosts that promotions by pull request open
 * their pull requests on (GitHub, GitLab, Bitbucket, …).
 *
 * @public
 */
export const gluPullRequestProvidersExtensionPoint =
  createExtensionPoint<GluPullRequestProvidersExtensionPoint>({
    id: 'glu.pull-request-providers',
  });

/**
 * Registers the parsers of hosts' webhooks with the Glu backend.
 *
 * @public
 */
export interface GluWebhookParsersExtensionPoint {
  /** Adds parsers, each of its own host and topic. */
  addWebhookParser(...parsers: GluWebhookParser[]): void;
}

/**
 * Extension point for the Git hosts whose webhooks Glu answers (GitHub,
 * GitLab, …): a host whose parser no module registers is not listened to.
 *
 * @public
 */
export const gluWebhookParsersExtensionPoint =
  createExtensionPoint<GluWebhookParsersExtensionPoint>({
    id: 'glu.webhook-parsers',
  });
