import { Config } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { GluLimitError } from '@glu-dev/plugin-glu-node';
import { formatSeconds } from './text';

/** A Prometheus-compatible server of `glu.gates.prometheus.servers`. */
export interface PrometheusServer {
  name: string;
  /** Where Glu reaches its HTTP API, without a trailing slash. */
  url: string;
  /**
   * The addresses that mean this server in an AnalysisTemplate, its own
   * url among them, normalized (see `addressKey`).
   */
  addresses: string[];
  headers: Record<string, string>;
  token?: string;
  username?: string;
  password?: string;
}

/** An address as templates and config compare it: scheme, host, path. */
export function addressKey(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol)) return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The servers of `glu.gates.prometheus.servers`: Glu asks nothing else. */
export function readPrometheusServers(config: Config): PrometheusServer[] {
  const servers: PrometheusServer[] = [];
  for (const server of config.getOptionalConfigArray(
    'glu.gates.prometheus.servers',
  ) ?? []) {
    const name = server.getString('name');
    const url = server.getString('url');
    const key = addressKey(url);
    if (!key) {
      throw new InputError(
        `The url of the Prometheus server ${name} must be an http or https address`,
      );
    }
    if (new URL(url).username || new URL(url).password) {
      throw new InputError(
        `The url of the Prometheus server ${name} must not hold credentials: give it a token, or a username and password`,
      );
    }
    if (servers.some(s => s.name === name)) {
      throw new InputError(`The Prometheus server ${name} is configured twice`);
    }
    const addresses = [key];
    for (const address of server.getOptionalStringArray('addresses') ?? []) {
      const other = addressKey(address);
      if (!other) {
        throw new InputError(
          `The address ${address} of the Prometheus server ${name} is not an http or https address`,
        );
      }
      addresses.push(other);
    }
    const headers: Record<string, string> = {};
    const configured = server.getOptional<Record<string, unknown>>('headers');
    for (const header of Object.keys(configured ?? {})) {
      headers[header.toLowerCase()] = server.getString(`headers.${header}`);
    }
    servers.push({
      name,
      url: url.replace(/\/+$/, ''),
      addresses: [...new Set(addresses)],
      headers,
      token: server.getOptionalString('token'),
      username: server.getOptionalString('username'),
      password: server.getOptionalString('password'),
    });
  }
  return servers;
}

/** What an instant query answered. */
export type PrometheusAnswer =
  | { resultType: 'scalar'; value: number }
  | {
      resultType: 'vector';
      series: Array<{ labels: Record<string, string>; value: number }>;
    }
  | { resultType: 'matrix'; values: number[] }
  | { resultType: 'string'; value: string };

/** A sample's value as Prometheus writes it: `"0.02"`, `"NaN"`, `"+Inf"`. */
function sampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Why a request got no answer, for people: over Glu's limit, past its
 * deadline, or what the network said.
 */
export function whyNoAnswer(error: unknown, timeoutMillis: number): string {
  if (error instanceof GluLimitError) return error.message;
  if ((error as Error)?.name === 'TimeoutError') {
    return `no answer within ${formatSeconds(timeoutMillis)}`;
  }
  return cause(error);
}

/** What a network error says, for people. */
function cause(error: unknown): string {
  const inner = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
  };
  return (
    (inner?.code && codes[inner.code]) ||
    inner?.message ||
    (error as Error)?.message ||
    String(error)
  );
}

/**
 * The HTTP API of one server (`/api/v1/query`): its credentials go to its
 * own url only, every request ends by a deadline and its answer is read
 * within a limit (both in `send`).
 */
export class PrometheusClient {
  constructor(
    readonly server: PrometheusServer,
    private readonly send: (timeoutMillis: number) => typeof fetch,
    /** Glu's deadline for a request (`glu.timeouts.http`). */
    readonly timeoutMillis: number,
  ) {}

  /**
   * An instant query at the server's current time, ended within
   * `timeoutMillis` (never later than Glu's deadline). Throws, in words for
   * people, when the server does not answer or answers an error.
   */
  async query(
    promql: string,
    options: { timeoutMillis?: number } = {},
  ): Promise<PrometheusAnswer> {
    const { name, url } = this.server;
    const timeout = Math.min(
      options.timeoutMillis ?? this.timeoutMillis,
      this.timeoutMillis,
    );
    const form = new URLSearchParams({ query: promql }).toString();
    // Long queries go in a POST body, past servers' limits on URLs.
    const get = form.length <= 1500;
    let response: Response;
    let text: string;
    try {
      response = await this.send(timeout)(
        `${url}/api/v1/query${get ? `?${form}` : ''}`,
        {
          method: get ? 'GET' : 'POST',
          headers: {
            ...this.server.headers,
            ...this.authorization(),
            accept: 'application/json',
            ...(get
              ? {}
              : { 'content-type': 'application/x-www-form-urlencoded' }),
          },
          body: get ? undefined : form,
          // Credentials go to the configured url only, never where it points.
          redirect: 'manual',
        },
      );
      text = await response.text();
    } catch (error) {
      throw new ServiceUnavailableError(
        `Prometheus ${name} did not answer: ${this.redact(
          whyNoAnswer(error, timeout),
        )}`,
      );
    }
    let body:
      | {
          status?: string;
          errorType?: string;
          error?: string;
          data?: { resultType?: string; result?: unknown };
        }
      | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const status = response.status;
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      throw new ServiceUnavailableError(
        `Prometheus ${name} answered with a redirect (${status}${
          location ? ` to ${location}` : ''
        }): set its url to where its API answers (glu.gates.prometheus.servers)`,
      );
    }
    if (status === 401 || status === 403) {
      throw new ServiceUnavailableError(
        `Prometheus ${name} refused Glu's credentials (${status}): check its headers, token or username and password (glu.gates.prometheus.servers)`,
      );
    }
    if (body?.status === 'error' || status !== 200) {
      const detail = body?.error
        ? `${body.errorType ? `${body.errorType}: ` : ''}${body.error}`
        : response.statusText || 'an unexpected answer';
      throw new ServiceUnavailableError(
        this.redact(`Prometheus ${name} answered ${status}: ${detail}`),
      );
    }
    const data = body?.data;
    /** A sample `[time, "value"]`, or a scalar's. */
    type Sample = [number, string] | undefined;
    type Series = {
      metric?: Record<string, string>;
      value?: Sample;
      values?: Sample[];
    };
    const list = Array.isArray(data?.result)
      ? (data!.result as Array<Series | undefined>)
      : [];
    switch (data?.resultType) {
      case 'scalar':
        return {
          resultType: 'scalar',
          value: sampleValue((data.result as Sample)?.[1]),
        };
      case 'string':
        return {
          resultType: 'string',
          value: String((data.result as Sample)?.[1]),
        };
      case 'vector':
        return {
          resultType: 'vector',
          series: list.map(s => ({
            labels: s?.metric ?? {},
            value: sampleValue(s?.value?.[1]),
          })),
        };
      case 'matrix':
        return {
          resultType: 'matrix',
          values: list.flatMap(s =>
            (Array.isArray(s?.values) ? s!.values : []).map(v =>
              sampleValue(v?.[1]),
            ),
          ),
        };
      default:
        throw new ServiceUnavailableError(
          `Prometheus ${name} answered what is not a query's result`,
        );
    }
  }

  private authorization(): Record<string, string> {
    const { token, username, password } = this.server;
    if (token) return { authorization: `Bearer ${token}` };
    if (username) {
      const basic = Buffer.from(`${username}:${password ?? ''}`).toString(
        'base64',
      );
      return { authorization: `Basic ${basic}` };
    }
    return {};
  }

  /** Whatever the server or the network says, without a secret of Glu's. */
  private redact(text: string): string {
    let out = text;
    const secrets = [
      this.server.token,
      this.server.password,
      ...Object.values(this.server.headers),
    ];
    for (const secret of secrets) {
      if (secret && secret.length >= 4) out = out.split(secret).join('***');
    }
    return out;
  }
}
