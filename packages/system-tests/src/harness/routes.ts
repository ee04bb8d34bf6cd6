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
