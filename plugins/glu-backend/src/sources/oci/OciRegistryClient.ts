import { ServiceUnavailableError } from '@backstage/errors';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  GluLimitError,
  gluLimits,
  gluLimitSetting,
} from '@glu-dev/plugin-glu-node';
import { createHash } from 'node:crypto';
import { splitRepository } from '../../resourceForm';

/** What an image repository reference names: a registry and a repository in it. */
export interface OciRepositoryRef {
  /** The registry host, with its port if any, e.g. `ghcr.io`. */
  registry: string;
  /** The repository in the registry, e.g. `acme/checkout`. */
  name: string;
}

/** Credentials and transport for one registry, from app-config. */
export interface RegistryConfig {
  host: string;
  username?: string;
  password?: string;
  /** A bearer token to send as is. */
  token?: string;
  /** Speak plain HTTP (a registry on loopback, say). */
  insecure?: boolean;
  /**
   * Other hosts that may receive the credentials when the registry sends
   * Glu to them for a token (Docker Hub's `auth.docker.io`).
   */
  tokenHosts?: string[];
}

export class RegistryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * The error of a registry's answer with this status. A registry that failed
 * or refused (5xx, 401, 403, 408, 429) could not be read, as one that did
 * not answer; any other answer (404: no such repository, tag or chart) is
 * what the registry holds.
 */
export function answerError(message: string, status: number): Error {
  return status >= 500 || [401, 403, 408, 429].includes(status)
    ? new ServiceUnavailableError(message)
    : new RegistryError(message, status);
}

/** The media types a tag can point at; an index for multi-arch images. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/**
 * Splits `registry.example.com/acme/checkout` into registry and repository,
 * by the OCI reference grammar. Names without a registry are Docker Hub's,
 * as `docker pull` reads them.
 */
export function parseRepository(repository: string): OciRepositoryRef {
  const trimmed = repository.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  const split = splitRepository(trimmed);
  if ('problem' in split) throw new RegistryError(split.problem);
  const { host, path } = split;
  const registry =
    !host || host === 'docker.io' ? 'registry-1.docker.io' : host;
  const name =
    registry === 'registry-1.docker.io' && !path.includes('/')
      ? `library/${path}`
      : path;
  return { registry, name };
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = header.match(/^(\w+)\s*(.*)$/);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const part of match[2].matchAll(/(\w+)="([^"]*)"/g)) {
    params[part[1]] = part[2];
  }
  return { scheme: match[1].toLowerCase(), params };
}

function nextLink(header: string | null, base: string): string | undefined {
  const match = header?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  return match ? new URL(match[1], base).toString() : undefined;
}

/**
 * A small client of the OCI distribution API: tag lists (paginated, with
 * conditional requests) and manifest digests (HEAD), anonymous, basic or
 * with the bearer-token challenge that Docker Hub, GHCR and most registries
 * use. Credentials never leave this class in a message.
 */
export class OciRegistryClient {
  private readonly tokens = new Map<
    string,
    { token: string; expiresAt: number }
  >();
  private readonly tagCache = new Map<
    string,
    { etag: string; tags: string[] }
  >();

  constructor(
    private readonly options: {
      registries: RegistryConfig[];
      fetch?: typeof fetch;
      /** How long one request may take, its answer included. */
      timeoutMillis?: number;
      /**
       * How large an answer may be (`glu.limits.answerBytes`); its default
       * when left out.
       */
      maxAnswerBytes?: number;
    },
  ) {}

  private config(registry: string): RegistryConfig | undefined {
    return this.options.registries.find(r => r.host === registry);
  }

  private baseUrl(registry: string): string {
    const insecure = this.config(registry)?.insecure;
    return `${insecure ? 'http' : 'https'}://${registry}`;
  }

  /**
   * Every request has a deadline, past which it is stopped, and its answer
   * is read up to a limit (a registry's answers are small by nature).
   */
  private get fetch(): typeof fetch {
    return fetchWithinLimit(
      {
        bytes: this.options.maxAnswerBytes ?? gluLimits().answerBytes,
        setting: gluLimitSetting('answerBytes'),
      },
      fetchWithDeadline(this.timeoutMillis, this.options.fetch),
    );
  }

  private get timeoutMillis(): number {
    return this.options.timeoutMillis ?? 30_000;
  }

  private basicHeader(config?: RegistryConfig): string | undefined {
    if (config?.username && config.password) {
      return `Basic ${Buffer.from(
        `${config.username}:${config.password}`,
      ).toString('base64')}`;
    }
    return undefined;
  }

  private async bearerToken(
    registry: string,
    challenge: Challenge,
    scope: string,
  ): Promise<string> {
    const key = `${registry} ${scope}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const realm = challenge.params.realm;
    if (!realm) {
      throw new ServiceUnavailableError(
        `${registry} asked for a bearer token without a realm`,
      );
    }
    const url = new URL(realm);
    if (challenge.params.service) {
      url.searchParams.set('service', challenge.params.service);
    }
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const config = this.config(registry);
    // The credentials go only where they are meant to: the registry itself,
    // or a token service configured for it; over plain HTTP only for a
    // registry configured to speak it.
    const trusted =
      (url.host === registry ||
        (config?.tokenHosts ?? []).includes(url.host)) &&
      (url.protocol === 'https:' || Boolean(config?.insecure));
    const basic = trusted ? this.basicHeader(config) : undefined;
    const response = await this.send(registry, url, {
      headers: basic ? { authorization: basic } : {},
    });
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `${registry} refused a token for ${scope} (${response.status})`,
      );
    }
    const body = (await response.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new ServiceUnavailableError(
        `${registry} answered a token request without a token`,
      );
    }
    const lifetime = Math.max((body.expires_in ?? 60) - 10, 10) * 1000;
    this.tokens.set(key, { token, expiresAt: Date.now() + lifetime });
    return token;
  }

  /** A request to the registry, answering its authentication challenge. */
  private async request(
    ref: OciRepositoryRef,
    url: string,
    init: { method?: string; headers?: Record<string, string> },
  ): Promise<Response> {
    const config = this.config(ref.registry);
    const scope = `repository:${ref.name}:pull`;
    const headers: Record<string, string> = { ...init.headers };
    if (config?.token) {
      headers.authorization = `Bearer ${config.token}`;
    } else {
      const cached = this.tokens.get(`${ref.registry} ${scope}`);
      if (cached && cached.expiresAt > Date.now()) {
        headers.authorization = `Bearer ${cached.token}`;
      }
    }
    const response = await this.send(ref.registry, url, {
      method: init.method,
      headers,
    });
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (challenge?.scheme === 'bearer') {
      const token = await this.bearerToken(ref.registry, challenge, scope);
      return this.send(ref.registry, url, {
        method: init.method,
        headers: { ...init.headers, authorization: `Bearer ${token}` },
      });
    }
    const basic = this.basicHeader(config);
    if (challenge?.scheme === 'basic' && basic) {
      return this.send(ref.registry, url, {
        method: init.method,
        headers: { ...init.headers, authorization: basic },
      });
    }
    throw new ServiceUnavailableError(
      `${ref.registry} needs credentials for ${ref.name}; add them under glu.registries`,
    );
  }

  /** One request, or why the registry could not be reached. */
  private async send(
    registry: string,
    url: string | URL,
    init: RequestInit,
  ): Promise<Response> {
    try {
      return await this.fetch(url, init);
    } catch (error) {
      throw this.unreachable(registry, error);
    }
  }

  /** Why a registry could not be reached, with what to set when it is clear. */
  private unreachable(registry: string, error: unknown): Error {
    if (error instanceof GluLimitError) {
      return new RegistryError(`${registry}: ${error.message}`);
    }
    if ((error as Error).name === 'TimeoutError') {
      return new ServiceUnavailableError(
        `${registry} did not answer within ${Math.round(
          this.timeoutMillis / 1000,
        )}s`,
      );
    }
    const cause = (error as Error).cause ?? error;
    const text =
      cause instanceof Error
        ? `${cause.message}${
            (cause as { code?: string }).code
              ? ` (${(cause as { code?: string }).code})`
              : ''
          }`
        : String(cause);
    // A TLS handshake answered in plain HTTP fails with a protocol error.
    if (
      !this.config(registry)?.insecure &&
      /EPROTO|wrong version number|packet length too long|ssl|tls/i.test(text)
    ) {
      return new ServiceUnavailableError(
        `${registry} does not answer over HTTPS (${text}); if it speaks plain HTTP, set insecure: true for it under glu.registries`,
      );
    }
    return new ServiceUnavailableError(
      `${registry} cannot be reached: ${text}`,
    );
  }

  /**
   * Every tag of a repository, following the `Link` header across pages.
   * Unchanged pages are not downloaded again (ETag, If-None-Match).
   */
  async listTags(ref: OciRepositoryRef): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `${this.baseUrl(ref.registry)}/v2/${
      ref.name
    }/tags/list?n=1000`;
    while (url) {
      const cached = this.tagCache.get(url);
      const response = await this.request(ref, url, {
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
      if (response.status === 304 && cached) {
        tags.push(...cached.tags);
      } else if (response.ok) {
        const body = (await response.json()) as { tags?: string[] | null };
        const page = body.tags ?? [];
        tags.push(...page);
        const etag = response.headers.get('etag');
        if (etag) this.tagCache.set(url, { etag, tags: page });
      } else if (response.status === 404) {
        throw new RegistryError(
          `${ref.registry} has no repository ${ref.name}`,
          404,
        );
      } else {
        throw answerError(
          `${ref.registry} answered ${response.status} to a tag list of ${ref.name}`,
          response.status,
        );
      }
      url = nextLink(response.headers.get('link'), url);
    }
    return tags;
  }

  /**
   * The digest of what a tag points at: the image index of a multi-arch
   * image, not one platform's manifest. A HEAD request, so nothing is
   * downloaded unless the registry leaves the digest header out.
   */
  async resolveTag(
    ref: OciRepositoryRef,
    tag: string,
  ): Promise<{ digest: string; mediaType?: string }> {
    const url = `${this.baseUrl(ref.registry)}/v2/${
      ref.name
    }/manifests/${encodeURIComponent(tag)}`;
    const headers = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    const head = await this.request(ref, url, { method: 'HEAD', headers });
    if (head.status === 404) {
      throw new RegistryError(
        `${ref.registry}/${ref.name} has no tag ${tag}`,
        404,
      );
    }
    if (!head.ok) {
      throw answerError(
        `${ref.registry} answered ${head.status} for ${ref.name}:${tag}`,
        head.status,
      );
    }
    const mediaType = head.headers.get('content-type') ?? undefined;
    const digest = head.headers.get('docker-content-digest');
    if (digest) return { digest, mediaType };
    const get = await this.request(ref, url, { headers });
    const body = Buffer.from(await get.arrayBuffer());
    return {
      digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      mediaType,
    };
  }
}
