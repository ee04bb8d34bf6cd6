import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  gluLimits,
  gluLimitSetting,
  GluGate,
  GluGateContext,
  GluGateResult,
  gluTimeoutMillis,
} from '@glu-dev/plugin-glu-node';
import {
  ArgoCdApplication,
  ArgoCdClient,
  readArgoCdInstances,
} from './ArgoCdClient';

/** The gate's options in a pipeline: `{ argocd: { application: … } }`. */
interface ArgoCdGateConfig {
  application: string;
  instance?: string;
  appNamespace?: string;
}

const OPTIONS = ['application', 'instance', 'appNamespace'];

/** A Kubernetes object's name (an Application's): a DNS subdomain. */
const OBJECT_NAME =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Kubernetes namespace's name: a DNS label. */
const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A commit by its first seven characters; other revisions (a chart's) whole. */
function short(revision: string): string {
  return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
}

function sentence(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items.join('');
}

/**
 * The `argocd` gate: the Argo CD application that deploys the upstream
 * phase is Synced and Healthy, with no operation running, at the commit
 * that made the upstream phase's state (the one Glu pushed) or a later one
 * that holds it. Glu checks it in the background (`observes`), so its
 * answer is there when a promotion is decided. In a pipeline:
 * `gates: [{ argocd: { application: checkout-staging } }]`, with `instance`
 * naming the Argo CD instance when several are configured and
 * `appNamespace` for applications outside Argo CD's own namespace.
 *
 * The instances and their credentials come from `argocd.appLocatorMethods`
 * (type `config`), as the Argo CD plugins for Backstage read them: a token
 * per instance, or a username and password (the instance's, or
 * `argocd.username` and `argocd.password`) for a session.
 *
 * @public
 */
export class ArgoCdGate implements GluGate {
  /** The key in a promotion's `gates`: `{ argocd: { application: … } }`. */
  readonly type = 'argocd';
  /** Glu checks it in the background and decides on its last answer. */
  readonly observes = true;
  /** Its answer may have a soak time, which follows the clock. */
  readonly cacheable = false;

  private constructor(private readonly clients: Map<string, ArgoCdClient>) {}

  /**
   * The gate for the Argo CD instances of a backend's config; every request
   * ends by `glu.timeouts.http`, and its answer is read up to
   * `glu.limits.answerBytes`. Instances without credentials are logged
   * as a warning.
   */
  static fromConfig(
    config: Config,
    options: { logger?: LoggerService } = {},
  ): ArgoCdGate {
    const timeoutMillis = gluTimeoutMillis(config, 'http');
    const request = fetchWithinLimit(
      {
        bytes: gluLimits(config).answerBytes,
        setting: gluLimitSetting('answerBytes'),
      },
      fetchWithDeadline(timeoutMillis),
    );
    const clients = new Map<string, ArgoCdClient>();
    for (const instance of readArgoCdInstances(config)) {
      const client = new ArgoCdClient(instance, request, timeoutMillis);
      if (!client.hasCredentials) {
        options.logger?.warn(
          `The Argo CD instance ${instance.name} has no credentials: give it a token, or a username and password (argocd.appLocatorMethods), or set argocd.username and argocd.password; argocd gates on it cannot be checked until then`,
        );
      }
      clients.set(instance.name, client);
    }
    return new ArgoCdGate(clients);
  }

  /** Problems with a gate's options, each in words for people. */
  validate(config: unknown): string[] {
    return this.parse(config).problems;
  }

  /** Whether the application is Synced and Healthy at the upstream's commit. */
  async evaluate(
    config: unknown,
    context: GluGateContext,
  ): Promise<GluGateResult> {
    const { options, client, problems } = this.parse(config);
    if (!options || !client) {
      throw new Error(
        `The argocd gate's options are not valid: ${problems.join('; ')}`,
      );
    }
    const label = options.appNamespace
      ? `${options.appNamespace}/${options.application}`
      : options.application;
    const revision = context.from.revision;
    if (!revision) {
      return {
        passed: false,
        reason: `${context.from.phase} has no commit to look for in ${label}: the argocd gate needs an upstream phase in Git`,
      };
    }
    const lookup = await client.getApplication(
      options.application,
      options.appNamespace,
    );
    if (!lookup.found) {
      return {
        passed: false,
        reason: `no Argo CD application ${label} on ${client.instance.name}${
          lookup.status === 403 ? ' that its account may read' : ''
        }`,
      };
    }
    return decide(label, lookup.application, revision, context.includes);
  }

  private parse(config: unknown): {
    options?: ArgoCdGateConfig;
    client?: ArgoCdClient;
    problems: string[];
  } {
    if (!config || typeof config !== 'object' || Array.isArray(config)) {
      return {
        problems: [
          'must be an object of options, e.g. { application: checkout-staging }',
        ],
      };
    }
    const options = config as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(options)) {
      if (!OPTIONS.includes(key)) {
        problems.push(
          `"${key}" is not application, instance, appNamespace, soak, interval or rollback`,
        );
      }
    }
    const { application, instance, appNamespace } = options;
    if (application === undefined || application === '') {
      problems.push(
        'application must name the Argo CD application that deploys the upstream phase, e.g. checkout-staging',
      );
    } else if (
      typeof application !== 'string' ||
      !OBJECT_NAME.test(application)
    ) {
      problems.push(
        `application must be an Argo CD application's name (lowercase letters, digits, "-" and "."), not ${JSON.stringify(
          application,
        )}`,
      );
    }
    if (
      appNamespace !== undefined &&
      (typeof appNamespace !== 'string' || !NAMESPACE.test(appNamespace))
    ) {
      problems.push(
        `appNamespace must be a Kubernetes namespace's name, not ${JSON.stringify(
          appNamespace,
        )}`,
      );
    }
    const names = [...this.clients.keys()];
    let client: ArgoCdClient | undefined;
    if (names.length === 0) {
      problems.push(
        'no Argo CD instance is configured (argocd.appLocatorMethods in app-config)',
      );
    } else if (instance === undefined) {
      if (names.length > 1) {
        problems.push(
          `instance must name the Argo CD instance, as several are configured (${names.join(
            ', ',
          )})`,
        );
      } else {
        client = this.clients.get(names[0]);
      }
    } else if (typeof instance !== 'string' || !this.clients.has(instance)) {
      problems.push(
        `instance ${JSON.stringify(
          instance,
        )} is not a configured Argo CD instance (${names.join(', ')})`,
      );
    } else {
      client = this.clients.get(instance);
    }
    if (problems.length > 0) return { problems };
    return {
      options: options as unknown as ArgoCdGateConfig,
      client,
      problems,
    };
  }
}

/** The revisions of a sync (`revision`, or `revisions` for several sources). */
function revisionsOf(sync?: { revision?: string; revisions?: string[] }) {
  return sync?.revisions?.length
    ? sync.revisions
    : [sync?.revision].filter((r): r is string => Boolean(r));
}

/**
 * The gate's answer for an application as Argo CD reports it. The order is
 * what to wait for first: an operation under way, then the sync, then the
 * revision, then the health. It is `failed` (broken, not only not ready)
 * when the application is Degraded at Glu's commit, or its last sync to
 * that commit failed.
 */
async function decide(
  label: string,
  application: ArgoCdApplication,
  revision: string,
  includes: GluGateContext['includes'],
): Promise<GluGateResult> {
  /** The first of the revisions that is Glu's commit or holds it. */
  const holding = async (revisions: string[]) => {
    const same = revisions.find(r => r === revision);
    if (same || !includes) return same;
    for (const candidate of revisions) {
      if (await includes(candidate)) return candidate;
    }
    return undefined;
  };
  const glu = short(revision);
  const status = application.status ?? {};
  const operation = status.operationState;
  const detail = operation?.message ? `: ${operation.message}` : '';
  if (operation?.phase === 'Running' || operation?.phase === 'Terminating') {
    return {
      passed: false,
      reason: `${label} is syncing (operation ${operation.phase}${detail})`,
    };
  }
  const sync = status.sync?.status ?? 'Unknown';
  if (sync !== 'Synced') {
    const lastFailed =
      operation?.phase === 'Failed' || operation?.phase === 'Error';
    const failedAtGlu =
      lastFailed &&
      (await holding(revisionsOf(operation.operation?.sync))) !== undefined;
    const last = lastFailed ? ` (last sync ${operation.phase}${detail})` : '';
    return {
      passed: false,
      reason:
        sync === 'Unknown'
          ? `Argo CD does not know whether ${label} is synced (Unknown)${last}`
          : `${label} is ${sync}${last}`,
      ...(failedAtGlu ? { failed: true } : {}),
    };
  }
  const synced = revisionsOf(status.sync);
  const at = synced.map(short).join(', ');
  if (synced.length === 0) {
    return {
      passed: false,
      reason: `${label} does not say which revision it is synced at, so it cannot show Glu's ${glu}`,
    };
  }
  const held = await holding(synced);
  if (!held) {
    return {
      passed: false,
      reason: `${label} is synced at ${at}, which does not hold Glu's ${glu} yet`,
    };
  }
  const health = status.health?.status ?? 'Unknown';
  if (health !== 'Healthy') {
    const messages = status.health?.message
      ? [status.health.message]
      : (status.resources ?? [])
          .filter(r => r.health?.status === health && r.health.message)
          .map(r => `${r.kind}/${r.name}: ${r.health!.message}`);
    return {
      passed: false,
      reason:
        messages.length > 0
          ? `${label} is ${health}: ${sentence(messages.slice(0, 3))}`
          : `${label} is ${health} at ${at}`,
      ...(health === 'Degraded' ? { failed: true } : {}),
    };
  }
  return {
    passed: true,
    reason:
      held === revision
        ? `${label} is Synced and Healthy at ${glu}`
        : `${label} is Synced and Healthy at ${short(
            held,
          )}, which holds Glu's ${glu}`,
  };
}
