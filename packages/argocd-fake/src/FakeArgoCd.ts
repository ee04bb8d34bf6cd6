import { http, HttpResponse } from 'msw';
import { setupServer, SetupServer } from 'msw/node';
import { checkRequest, checkResponse, findOperation } from './swagger';

/** An Application's sync status, as Argo CD reports it. */
export type FakeSyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** An Application's or a resource's health, as Argo CD reports it. */
export type FakeHealthStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

/** The phase of an Application's last (or current) operation. */
export type FakeOperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Failed'
  | 'Error'
  | 'Succeeded';

/** Where an Application's manifests come from. */
export interface FakeApplicationSource {
  repoURL: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
}

/** The state of an Application in the fake. */
export interface FakeApplicationState {
  /**
   * The namespace of the Application resource: `argocd`, Argo CD's own,
   * unless set (apps in any namespace).
   */
  namespace?: string;
  /** Defaults to `Synced`. */
  sync?: FakeSyncStatus;
  /** Defaults to `Healthy`. */
  health?: FakeHealthStatus;
  /** The Application's own health message (deprecated in Argo CD 3). */
  healthMessage?: string;
  /** The revision it is synced to (or compared with), for one source. */
  revision?: string;
  /** The single source; a Git directory by default. */
  source?: FakeApplicationSource;
  /**
   * A multi-source Application: its sources, each with the revision it is
   * synced to (`status.sync.revisions`).
   */
  sources?: Array<FakeApplicationSource & { revision: string }>;
  /** The last operation, or the one running. */
  operation?: {
    phase: FakeOperationPhase;
    message?: string;
    /** The revision the operation syncs to; the synced one by default. */
    revision?: string;
  };
  /** The resources it manages, with their health. */
  resources?: Array<{
    kind: string;
    name: string;
    group?: string;
    namespace?: string;
    health?: FakeHealthStatus;
    message?: string;
  }>;
}

/** A request the fake received. */
export interface FakeArgoCdRequest {
  method: string;
  /** The operation it was, e.g. `GET /api/v1/applications/{name}`. */
  operation?: string;
  url: string;
  /** Its `Authorization` header, if any. */
  authorization?: string;
}

interface Answer {
  status: number;
  body: unknown;
}

interface StoredApplication extends FakeApplicationState {
  name: string;
  resourceVersion: number;
  created: string;
  changed: string;
}

/** One msw server for every fake of a process, each answering its own URL. */
let shared: { server: SetupServer; fakes: Set<FakeArgoCd> } | undefined;
let started = 0;

function error(status: number, code: number, message: string): Answer {
  // Argo CD's errors: a gRPC status (code) as grpc-gateway writes it.
  return { status, body: { error: message, code, message } };
}

/**
 * An Argo CD for tests. Its API (through msw) serves the Applications it is
 * given and sessions for its users, and every request it receives and every
 * answer it gives is checked against Argo CD's published API description
 * (Swagger 2.0, vendored and trimmed): a mismatch is recorded in
 * `violations` and fails the request. Several fakes can run at once, each
 * at its own URL; they share one msw server, so do not combine them in one
 * test file with another msw server.
 */
export class FakeArgoCd {
  /** Requests and answers that do not match Argo CD's description. */
  readonly violations: string[] = [];
  /** Every request received, in order. */
  readonly requests: FakeArgoCdRequest[] = [];
  private readonly applications = new Map<string, StoredApplication>();
  private readonly forbidden = new Set<string>();
  private readonly sessions = new Set<string>();
  private sessionCount = 0;
  private outage:
    | { status: number }
    | 'hang'
    | { location: string }
    | undefined;
  private hanging: Array<() => void> = [];

  private constructor(
    /** The URL Argo CD is served at, as an instance's `url` names it. */
    readonly url: string,
    /** The API token it accepts (`Authorization: Bearer`). */
    readonly token: string,
    private readonly users: Record<string, string>,
  ) {}

  /**
   * Starts a fake at a URL (by default `https://argocd-<n>.test`; a path
   * is allowed, for an Argo CD served under a root path) that accepts a
   * token and, for sessions, users by name and password.
   */
  static async start(
    options: {
      url?: string;
      token?: string;
      users?: Record<string, string>;
    } = {},
  ): Promise<FakeArgoCd> {
    started += 1;
    const fake = new FakeArgoCd(
      (options.url ?? `https://argocd-${started}.test`).replace(/\/+$/, ''),
      options.token ?? `argocd-token-${started}`,
      options.users ?? {},
    );
    if (!shared) {
      const fakes = new Set<FakeArgoCd>();
      const server = setupServer(
        http.all('*', async ({ request }) => {
          const fakeOf = [...fakes].find(f => f.serves(request.url));
          return fakeOf ? fakeOf.handle(request) : undefined;
        }),
      );
      server.listen({ onUnhandledRequest: 'bypass' });
      shared = { server, fakes };
    }
    shared.fakes.add(fake);
    return fake;
  }

  /** Stops the fake; the last one stops the msw server. */
  async stop(): Promise<void> {
    this.recover();
    if (!shared) return;
    shared.fakes.delete(this);
    if (shared.fakes.size === 0) {
      shared.server.close();
      shared = undefined;
    }
  }

  /** `argocd.appLocatorMethods[].instances[]` configuration for this fake. */
  instance(
    name: string,
    credentials: { token?: string; username?: string; password?: string } = {
      token: this.token,
    },
  ) {
    return { name, url: this.url, ...credentials };
  }

  // The state, as Argo CD's controller would change it

  /**
   * Sets an Application's state, over what it was: e.g.
   * `setApplication('checkout', { health: 'Progressing' })`.
   */
  setApplication(name: string, state: FakeApplicationState): void {
    const key = this.keyOf(name, state.namespace);
    const now = new Date().toISOString();
    const before = this.applications.get(key);
    this.applications.set(key, {
      ...before,
      ...state,
      name,
      resourceVersion: (before?.resourceVersion ?? 1000) + 1,
      created: before?.created ?? now,
      changed: now,
    });
  }

  /** Removes an Application. */
  deleteApplication(name: string, namespace?: string): void {
    this.applications.delete(this.keyOf(name, namespace));
  }

  /**
   * Refuses an Application to every caller, as Argo CD's RBAC does (403
   * permission denied, whether or not it exists).
   */
  forbid(name: string, namespace?: string): void {
    this.forbidden.add(this.keyOf(name, namespace));
  }

  /** Answers every request with a server error, e.g. 503. */
  fail(status: number): void {
    this.outage = { status };
  }

  /**
   * Answers every request with a redirect elsewhere, as a sign-in proxy in
   * front of Argo CD does, until `recover`.
   */
  redirectTo(location: string): void {
    this.outage = { location };
  }

  /** Answers no request until `recover` (or `stop`). */
  hang(): void {
    this.outage = 'hang';
  }

  /** Answers again. */
  recover(): void {
    this.outage = undefined;
    const waiting = this.hanging;
    this.hanging = [];
    waiting.forEach(release => release());
  }

  /** Ends every session: their tokens are refused from now on. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** How many sessions were created. */
  get sessionsCreated(): number {
    return this.sessionCount;
  }

  // The API

  private keyOf(name: string, namespace = 'argocd') {
    return `${namespace}/${name}`;
  }

  private serves(url: string): boolean {
    return url === this.url || url.startsWith(`${this.url}/`);
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const root = new URL(this.url).pathname.replace(/\/$/, '');
    const pathname = url.pathname.slice(root.length);
    const operation = findOperation(request.method, pathname);
    const authorization = request.headers.get('authorization') ?? undefined;
    this.requests.push({
      method: request.method,
      operation: operation?.name,
      url: request.url,
      authorization,
    });
    const outage = this.outage;
    if (typeof outage === 'object' && 'location' in outage) {
      // Not Argo CD's answer but its proxy's, so not checked against it.
      return new HttpResponse(null, {
        status: 302,
        headers: { location: outage.location },
      });
    }
    if (outage) {
      // Hanging, until released; then as unavailable as a broken one.
      if (outage === 'hang') {
        await new Promise<void>(resolve => this.hanging.push(resolve));
      }
      return this.reply(
        operation?.name,
        error(
          outage === 'hang' ? 503 : outage.status,
          14,
          'the service is unavailable',
        ),
      );
    }
    if (!operation) {
      this.violations.push(
        `no such operation in the fake: ${request.method} ${pathname}`,
      );
      return HttpResponse.json(
        { error: 'Not Found', code: 5, message: 'Not Found' },
        { status: 404 },
      );
    }
    const body = request.method === 'GET' ? '' : await request.text();
    const badRequest = checkRequest(operation.name, {
      query: url.searchParams,
      contentType: request.headers.get('content-type'),
      body,
    });
    if (badRequest) {
      this.violations.push(badRequest);
      return this.reply(operation.name, error(400, 3, badRequest));
    }
    if (operation.name === 'POST /api/v1/session') {
      return this.reply(operation.name, this.createSession(JSON.parse(body)));
    }
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) {
      return this.reply(
        operation.name,
        error(401, 16, 'no session information'),
      );
    }
    if (token !== this.token && !this.sessions.has(token)) {
      return this.reply(
        operation.name,
        error(401, 16, 'invalid session: token signature is invalid'),
      );
    }
    return this.reply(
      operation.name,
      this.getApplication(
        operation.params.name,
        url.searchParams.get('appNamespace') ?? undefined,
      ),
    );
  }

  private reply(operation: string | undefined, answer: Answer): Response {
    const problem = operation
      ? checkResponse(operation, answer.status, answer.body)
      : undefined;
    if (problem) {
      this.violations.push(problem);
      return HttpResponse.json(
        { error: problem, code: 13, message: problem },
        { status: 500 },
      );
    }
    return HttpResponse.json(answer.body as any, { status: answer.status });
  }

  private createSession(body: { username?: string; password?: string }) {
    const { username, password } = body;
    if (
      !username ||
      password === undefined ||
      this.users[username] !== password
    ) {
      return error(401, 16, 'Invalid username or password');
    }
    this.sessionCount += 1;
    const token = `session-${this.sessionCount}-${username}`;
    this.sessions.add(token);
    return { status: 200, body: { token } };
  }

  private getApplication(name: string, namespace?: string): Answer {
    const key = this.keyOf(name, namespace);
    if (this.forbidden.has(key)) {
      return error(403, 7, 'permission denied');
    }
    const app = this.applications.get(key);
    if (!app) {
      return error(404, 5, `applications.argoproj.io "${name}" not found`);
    }
    return { status: 200, body: this.applicationJson(app) };
  }

  /** An Application as Argo CD's API answers it (`v1alpha1Application`). */
  private applicationJson(app: StoredApplication) {
    const namespace = app.namespace ?? 'argocd';
    const destination = {
      server: 'https://kubernetes.default.svc',
      namespace: app.name,
    };
    const source: FakeApplicationSource = app.source ?? {
      repoURL: 'https://git.example.com/acme/gitops.git',
      path: `env/${app.name}`,
      targetRevision: 'main',
    };
    const sources = app.sources?.map(({ revision: _r, ...s }) => s);
    const revisions = app.sources?.map(s => s.revision);
    const synced = sources
      ? { revisions }
      : { ...(app.revision ? { revision: app.revision } : {}) };
    const sourceTypes = (sources ?? [source]).map(s =>
      s.chart ? 'Helm' : 'Directory',
    );
    const operation = app.operation;
    return {
      metadata: {
        name: app.name,
        namespace,
        uid: `00000000-0000-4000-8000-${String(app.resourceVersion).padStart(
          12,
          '0',
        )}`,
        resourceVersion: String(app.resourceVersion),
        generation: app.resourceVersion - 1000,
        creationTimestamp: app.created,
      },
      spec: {
        project: 'default',
        destination,
        ...(sources ? { sources } : { source }),
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
      status: {
        sync: {
          status: app.sync ?? 'Synced',
          ...synced,
          comparedTo: {
            destination,
            ...(sources ? { sources } : { source }),
          },
        },
        health: {
          status: app.health ?? 'Healthy',
          ...(app.healthMessage ? { message: app.healthMessage } : {}),
          lastTransitionTime: app.changed,
        },
        ...(operation
          ? {
              operationState: {
                phase: operation.phase,
                message: operation.message ?? '',
                startedAt: app.changed,
                ...(['Running', 'Terminating'].includes(operation.phase)
                  ? {}
                  : { finishedAt: app.changed }),
                operation: {
                  sync: operation.revision
                    ? { revision: operation.revision }
                    : synced,
                  initiatedBy: { automated: true },
                  retry: {},
                },
                ...(operation.phase === 'Succeeded'
                  ? { syncResult: { ...synced, resources: [] } }
                  : {}),
              },
            }
          : {}),
        resources: (app.resources ?? []).map(r => ({
          group: r.group ?? 'apps',
          version: 'v1',
          kind: r.kind,
          namespace: r.namespace ?? app.name,
          name: r.name,
          status: app.sync ?? 'Synced',
          health: {
            status: r.health ?? 'Healthy',
            ...(r.message ? { message: r.message } : {}),
          },
        })),
        reconciledAt: app.changed,
        ...(sources ? { sourceTypes } : { sourceType: sourceTypes[0] }),
        controllerNamespace: 'argocd',
      },
    };
  }
}
