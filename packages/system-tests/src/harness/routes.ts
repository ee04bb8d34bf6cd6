import { Answer } from './client';
import { Replica } from './replicas';
import type { Suite } from './suite';

/** A write route: how to ask it, and whether a reader may (dry runs, refresh). */
export interface Route {
  name: string;
  method: string;
  path: string;
  body?: (historyId: string) => unknown;
  /** Open to every reader: it writes nothing. */
  read?: boolean;
  /** Through the actions registry rather than the HTTP API. */
  action?: boolean;
  /** Only release managers may, not a pipeline's owners. */
  releaseManagers?: boolean;
  /**
   * What every caller who may read answers, when the permission is every
   * reader's but the request is refused for what it asks.
   */
  readers?: number;
}

/**
 * Every write route of a pipeline's staging phase (promoted from `build`,
 * which is published to): the HTTP API's, dry runs and refresh included,
 * and the actions registry's, as the MCP actions backend invokes them.
 */
export function writeRoutes(namespace: string, name: string): Route[] {
  const ref = `pipeline:${namespace}/${name}`;
  const base = `/api/glu/pipelines/${namespace}/${name}`;
  const api = (
    route: string,
    method: string,
    path: string,
    body?: Route['body'],
    read = false,
  ): Route => ({ name: route, method, path: `${base}${path}`, body, read });
  const action = (id: string, input: Route['body'], read = false): Route => ({
    name: `action ${id}`,
    method: 'POST',
    path: `/api/glu/.backstage/actions/v1/actions/glu:${id}/invoke`,
    body: input,
    read,
    action: true,
  });
  const staging = { pipeline: ref, phase: 'staging' };
  return [
    api('promote', 'POST', '/promotions', () => ({ phase: 'staging' })),
    api(
      'dry-run promotion',
      'POST',
      '/promotions',
      () => ({ phase: 'staging', dryRun: true }),
      true,
    ),
    api('rollback', 'POST', '/phases/staging/rollback', historyId => ({
      historyId,
    })),
    api(
      'dry-run rollback',
      'POST',
      '/phases/staging/rollback',
      historyId => ({ historyId, dryRun: true }),
      true,
    ),
    api('pin', 'POST', '/phases/staging/pin', () => ({ reason: 'hold it' })),
    api('unpin', 'DELETE', '/phases/staging/pin'),
    api('approve', 'POST', '/phases/staging/approvals', () => ({})),
    api('publish', 'POST', '/phases/build/versions', () => ({
      version: '6.6.6',
    })),
    api('refresh', 'POST', '/refresh', undefined, true),
    action('promote', () => staging),
    action('dry-run-promotion', () => staging, true),
    action('rollback', historyId => ({ ...staging, historyId })),
    action('pin-phase', () => ({ ...staging, reason: 'hold it' })),
    action('unpin-phase', () => staging),
  ];
}

/**
 * The routes that stop the line: setting and lifting a freeze (not on one
 * pipeline), a promotion of a pipeline's staging phase as a hotfix, and
 * quarantining a version of the pipeline or a digest everywhere. Only
 * release managers may, but for a quarantine of one pipeline's version,
 * which is its owners'.
 */
export function stopTheLineRoutes(namespace: string, name: string): Route[] {
  return [
    {
      name: 'set freeze',
      method: 'POST',
      path: '/api/glu/freezes',
      body: () => ({ reason: 'stop the line' }),
      releaseManagers: true,
    },
    {
      name: 'lift freeze',
      method: 'DELETE',
      path: '/api/glu/freezes/1',
      releaseManagers: true,
    },
    {
      name: 'hotfix',
      method: 'POST',
      path: `/api/glu/pipelines/${namespace}/${name}/promotions`,
      body: () => ({ phase: 'staging', hotfix: { reason: 'an outage' } }),
      releaseManagers: true,
    },
    {
      name: 'quarantine',
      method: 'POST',
      path: '/api/glu/quarantines',
      body: () => ({
        reason: 'broken',
        pipeline: `pipeline:${namespace}/${name}`,
        version: '9.9.9',
      }),
    },
    {
      // Every reader may ask; the staging edge has no approvals gate.
      name: 'request promotion',
      method: 'POST',
      path: `/api/glu/pipelines/${namespace}/${name}/requests`,
      body: () => ({ phase: 'staging' }),
      readers: 400,
    },
    {
      name: 'quarantine everywhere',
      method: 'POST',
      path: '/api/glu/quarantines',
      body: () => ({ reason: 'a vulnerable image', digest: 'sha256:0bad' }),
      releaseManagers: true,
    },
    // The same through the actions registry.
    {
      name: 'action set-freeze',
      method: 'POST',
      path: '/api/glu/.backstage/actions/v1/actions/glu:set-freeze/invoke',
      body: () => ({ reason: 'stop the line' }),
      action: true,
      releaseManagers: true,
    },
    {
      name: 'action quarantine-version',
      method: 'POST',
      path: '/api/glu/.backstage/actions/v1/actions/glu:quarantine-version/invoke',
      body: () => ({
        reason: 'broken',
        pipeline: `pipeline:${namespace}/${name}`,
        version: '9.9.8',
      }),
      action: true,
    },
  ];
}

/** Asks a route of a replica as a caller (a token, or none). */
export function ask(
  suite: Suite,
  replica: Replica,
  route: Route,
  token: string | undefined,
  historyId = '1',
): Promise<Answer> {
  return suite.call(`${replica.url}${route.path}`, {
    method: route.method,
    token,
    ...(route.body ? { body: route.body(historyId) } : {}),
  });
}
