import { Config } from '@backstage/config';
import { GluLimitError } from '@glu-dev/plugin-glu-node';

/** An Argo CD instance as configured, with the credentials for it. */
export interface ArgoCdInstance {
  name: string;
  /** Where Argo CD is served, without a trailing slash. */
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

/**
 * The instances of `argocd.appLocatorMethods` of type `config`, as the Argo
 * CD plugins for Backstage read them; an instance without credentials of
 * its own uses the account of `argocd.username` and `argocd.password`.
 */
export function readArgoCdInstances(config: Config): ArgoCdInstance[] {
  const username = config.getOptionalString('argocd.username');
  const password = config.getOptionalString('argocd.password');
  const instances: ArgoCdInstance[] = [];
  for (const method of config.getOptionalConfigArray(
    'argocd.appLocatorMethods',
  ) ?? []) {
    if (method.getString('type') !== 'config') continue;
    for (const instance of method.getOptionalConfigArray('instances') ?? []) {
      const name = instance.getString('name');
      const url = instance.getString('url');
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
        throw new Error(
          `The url of the Argo CD instance ${name} must be an http or https address`,
        );
      }
      if (parsed.username || parsed.password) {
        throw new Error(
          `The url of the Argo CD instance ${name} must not hold credentials: give it a token, or a username and password`,
        );
      }
      if (instances.some(i => i.name === name)) {
        throw new Error(`The Argo CD instance ${name} is configured twice`);
      }
      const token = instance.getOptionalString('token');
      const own = instance.getOptionalString('username');
      instances.push({
        name,
        url: url.replace(/\/+$/, ''),
        token,
        username: token ? undefined : own ?? username,
        password: token
          ? undefined
          : (own ? instance.getOptionalString('password') : undefined) ??
            password,
      });
    }
  }
  return instances;
}

/** What Argo CD answered for an application. */
export type ArgoCdLookup =
  | { found: true; application: ArgoCdApplication }
  | { found: false; status: 403 | 404 };

/** The parts of Argo CD's `v1alpha1Application` that the gate reads. */
export interface ArgoCdApplication {
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      operation?: { sync?: { revision?: string; revisions?: string[] } };
    };
    resources?: Array<{
      kind?: string;
      name?: string;
      health?: { status?: string; message?: string };
    }>;
  };
}

function seconds(millis: number): string {
  return millis < 1000 ? `${millis}ms` : `${Math.round(millis / 100) / 10}s`;
}

/**
 * Argo CD's API for one instance: its token (or a session of its account)
 * goes to its own URL only, and every request ends by a deadline.
 */
export class ArgoCdClient {
  /** The session of the instance's account, once Glu logged in. */
  private session: { token: Promise<string>; value?: string } | undefined;

  constructor(
    readonly instance: ArgoCdInstance,
    private readonly send: typeof fetch,
    private readonly timeoutMillis: number,
  ) {}

  get hasCredentials(): boolean {
    return Boolean(
      this.instance.token || (this.instance.username && this.instance.password),
    );
  }

  /** An application, by name and, for apps in any namespace, namespace. */
  async getApplication(
    name: string,
    appNamespace?: string,
  ): Promise<ArgoCdLookup> {
    const path = `/api/v1/applications/${encodeURIComponent(name)}${
      appNamespace ? `?appNamespace=${encodeURIComponent(appNamespace)}` : ''
    }`;
    const token = await this.token();
    let response = await this.request('GET', path, token);
    if (response.status === 401 && !this.instance.token) {
      // The session ended (Argo CD restarted, the token expired): log in
      // again, once for all the requests that used it.
      if (this.session?.value === token) this.session = undefined;
      response = await this.request('GET', path, await this.token());
    }
    if (response.status === 404 || response.status === 403) {
      return { found: false, status: response.status };
    }
    if (response.status === 401) {
      throw new Error(
        `Argo CD ${this.instance.name} refused ${
          this.instance.token
            ? 'the token'
            : `the session of ${this.instance.username}`
        } (401 ${
          response.message
        }): check the instance's credentials in argocd.appLocatorMethods`,
      );
    }
    if (response.status !== 200) throw this.unexpected('GET', path, response);
    return {
      found: true,
      application: response.body as ArgoCdApplication,
    };
  }

  private token(): Promise<string> {
    const { token, username, password, name } = this.instance;
    if (token) return Promise.resolve(token);
    if (!username || !password) {
      return Promise.reject(
        new Error(
          `The Argo CD instance ${name} has no credentials: give it a token, or a username and password (argocd.appLocatorMethods), or set argocd.username and argocd.password`,
        ),
      );
    }
    if (!this.session) {
      const session: { token: Promise<string>; value?: string } = {
        token: this.createSession(username, password),
      };
      this.session = session;
      session.token.then(
        value => {
          session.value = value;
        },
        () => {
          // A failed login is tried again by the next request.
          if (this.session === session) this.session = undefined;
        },
      );
    }
    return this.session.token;
  }

  private async createSession(
    username: string,
    password: string,
  ): Promise<string> {
    const path = '/api/v1/session';
    const response = await this.request('POST', path, undefined, {
      username,
      password,
    });
    if (response.status === 401) {
      throw new Error(
        `Argo CD ${this.instance.name} refused the username and password of ${username} (401 ${response.message})`,
      );
    }
    const token = (response.body as { token?: unknown } | undefined)?.token;
    if (response.status !== 200 || typeof token !== 'string' || !token) {
      throw this.unexpected('POST', path, response);
    }
    return token;
  }

  private unexpected(
    method: string,
    path: string,
    response: { status: number; message: string; location?: string },
  ): Error {
    const { name } = this.instance;
    if (response.status >= 300 && response.status < 400) {
      return new Error(
        `Argo CD ${name} answered ${method} ${path} with a redirect (${
          response.status
        }${
          response.location ? ` to ${response.location}` : ''
        }); Glu sends its credentials to the instance's url only: set it to the address that Argo CD's API answers at`,
      );
    }
    return new Error(
      `Argo CD ${name} answered ${method} ${path} with ${response.status}${
        response.message ? ` (${response.message})` : ''
      }`,
    );
  }

  /** One request, its answer read within the deadline. */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    token: string | undefined,
    body?: object,
  ): Promise<{
    status: number;
    body?: unknown;
    message: string;
    location?: string;
  }> {
    const { name, url } = this.instance;
    const target = `${url}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.send(target, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        // Credentials go to the configured URL only, never where it points.
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      const origin = new URL(url).origin;
      if (error instanceof GluLimitError) {
        throw new Error(`Argo CD ${name} (${origin}): ${error.message}`);
      }
      if ((error as Error)?.name === 'TimeoutError') {
        throw new Error(
          `Argo CD ${name} (${origin}) did not answer ${method} ${path} within ${seconds(
            this.timeoutMillis,
          )}`,
        );
      }
      const cause = (error as { cause?: { message?: string } })?.cause;
      throw new Error(
        `Argo CD ${name} (${origin}) did not answer ${method} ${path}: ${this.redact(
          cause?.message ?? (error as Error)?.message ?? String(error),
        )}`,
      );
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.status === 200 && json === undefined) {
      throw new Error(
        `Argo CD ${name} answered ${method} ${path} with what is not JSON`,
      );
    }
    const error = json as { message?: unknown; error?: unknown } | undefined;
    const message = String(error?.message ?? error?.error ?? '').trim();
    return {
      status: response.status,
      body: json,
      message: this.redact(message || response.statusText),
      location: response.headers.get('location') ?? undefined,
    };
  }

  /** Whatever Argo CD or the network says, without a secret of Glu's. */
  private redact(text: string): string {
    let out = text;
    for (const secret of [this.instance.token, this.instance.password]) {
      if (secret) out = out.split(secret).join('***');
    }
    return out;
  }
}
