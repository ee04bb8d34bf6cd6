import { ServiceUnavailableError } from '@backstage/errors';
import { HttpGateAllowRule, httpGateAllows } from '@glu-dev/plugin-glu-node';
import { addressKey, PrometheusClient, whyNoAnswer } from './client';

/**
 * The metric providers of an AnalysisTemplate that Glu evaluates itself:
 * `prometheus` (on the configured servers only) and `web` (on the
 * addresses the platform allows).
 */

/** What providers are measured with. */
export interface ProviderEnvironment {
  /** The configured Prometheus servers, by name. */
  clients: Map<string, PrometheusClient>;
  /** `glu.gates.http.allow`. */
  allow: HttpGateAllowRule[];
  /** Glu's deadline for a request (`glu.timeouts.http`). */
  timeoutMillis: number;
  /** A fetch that ends by a deadline and reads within Glu's limit. */
  send(timeoutMillis: number): typeof fetch;
}

/** A metric's provider, checked and ready to measure. */
export type MetricProvider =
  | {
      kind: 'prometheus';
      client: PrometheusClient;
      query: string;
      timeoutMillis?: number;
    }
  | {
      kind: 'web';
      url: URL;
      method: 'GET' | 'POST' | 'PUT';
      headers: Record<string, string>;
      body?: string;
      timeoutMillis?: number;
      /** Keys and indexes from the document's root; none for all of it. */
      path: Array<string | number>;
      jsonPath: string;
    };

const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

const CREDENTIALS =
  'credentials come from app-config (glu.gates.prometheus.servers), not from the template';

/** A positive whole number of seconds, in milliseconds. */
function seconds(
  value: unknown,
  field: string,
  found: string[],
): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    found.push(`${field} must be a whole number of seconds`);
    return undefined;
  }
  return number * 1000;
}

/** A `prometheus` provider: its address must mean a configured server. */
export function prometheusProvider(
  options: unknown,
  env: ProviderEnvironment,
  found: string[],
): MetricProvider | undefined {
  if (!isObject(options)) {
    found.push('provider prometheus must be an object with address and query');
    return undefined;
  }
  for (const key of Object.keys(options)) {
    if (['authentication', 'headers'].includes(key)) {
      found.push(`prometheus ${key} is not supported: ${CREDENTIALS}`);
    } else if (key === 'insecure') {
      found.push(
        'prometheus insecure is not supported: Glu verifies the server; configure it in glu.gates.prometheus.servers',
      );
    } else if (key === 'rangeQuery') {
      found.push(
        'prometheus rangeQuery is not supported: Glu asks instant queries',
      );
    } else if (!['address', 'query', 'timeout'].includes(key)) {
      found.push(`"${key}" is not address, query or timeout of prometheus`);
    }
  }
  const { address, query } = options;
  let client: PrometheusClient | undefined;
  const clients = [...env.clients.values()];
  if (address === undefined || address === '') {
    if (clients.length === 1) client = clients[0];
    else {
      found.push(
        clients.length === 0
          ? 'no Prometheus server is configured (glu.gates.prometheus.servers in app-config)'
          : 'prometheus address must name the server, as several are configured',
      );
    }
  } else {
    const key = typeof address === 'string' ? addressKey(address) : undefined;
    client = clients.find(c => key && c.server.addresses.includes(key));
    if (!client) {
      found.push(
        `prometheus address ${String(
          address,
        )} is not a configured Prometheus server: add it to the addresses of one in glu.gates.prometheus.servers`,
      );
    }
  }
  if (typeof query !== 'string' || !query.trim()) {
    found.push('prometheus query must be a PromQL query');
  }
  const timeoutMillis = seconds(options.timeout, 'prometheus timeout', found);
  if (!client || typeof query !== 'string' || !query.trim()) return undefined;
  return { kind: 'prometheus', client, query, timeoutMillis };
}

/**
 * The keys and indexes of a jsonPath in Argo's form: `{$.data.ok}`,
 * `{$.items[0].value}`, `{.status}`, `{$}`; undefined for what Glu does
 * not read (wildcards, filters, ranges).
 */
export function parseJsonPath(
  text: string,
): Array<string | number> | undefined {
  const inner = /^\s*\{\s*(.*?)\s*\}\s*$/.exec(text)?.[1];
  if (inner === undefined) return undefined;
  let rest = inner.startsWith('$') ? inner.slice(1) : inner;
  const path: Array<string | number> = [];
  const step =
    /^(?:\.([^.[\]*@?()]+)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;
  while (rest) {
    const match = step.exec(rest);
    if (!match) return undefined;
    if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[1] ?? match[3] ?? match[4]);
    rest = rest.slice(match[0].length);
  }
  return path;
}

/** A `web` provider: an address the platform allows, without credentials. */
export function webProvider(
  options: unknown,
  env: ProviderEnvironment,
  found: string[],
): MetricProvider | undefined {
  if (!isObject(options)) {
    found.push('provider web must be an object with a url');
    return undefined;
  }
  const fields = ['url', 'method', 'headers', 'body', 'jsonBody'];
  for (const key of Object.keys(options)) {
    if (key === 'insecure') {
      found.push('web insecure is not supported: Glu verifies TLS');
    } else if (key === 'authentication') {
      found.push(
        'web authentication is not supported: Glu sends no credentials to web metrics',
      );
    } else if (![...fields, 'timeoutSeconds', 'jsonPath'].includes(key)) {
      found.push(`"${key}" is not a field of web that Glu reads`);
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(String(options.url));
    if (!['http:', 'https:'].includes(url.protocol)) url = undefined;
  } catch {
    url = undefined;
  }
  if (!url) {
    found.push('web url must be an http or https address');
  } else if (url.username || url.password) {
    found.push('web url must not hold credentials');
  } else if (!httpGateAllows(env.allow, url)) {
    found.push(
      `web url: the platform does not let Glu ask ${url.host}${url.pathname} (glu.gates.http.allow)`,
    );
  }
  const method = String(options.method ?? 'GET').toUpperCase();
  if (!['GET', 'POST', 'PUT'].includes(method)) {
    found.push(`web method must be GET, POST or PUT, not ${method}`);
  }
  const headers: Record<string, string> = {};
  if (options.headers !== undefined && !Array.isArray(options.headers)) {
    found.push('web headers must be a list of { key, value }');
  }
  for (const header of Array.isArray(options.headers) ? options.headers : []) {
    if (isObject(header) && 'valueFrom' in header) {
      found.push(
        `web header ${String(
          header.key,
        )}: valueFrom is not supported: Glu reads no Kubernetes secrets`,
      );
    } else if (
      !isObject(header) ||
      typeof header.key !== 'string' ||
      typeof header.value !== 'string'
    ) {
      found.push('each of web headers must be { key, value } with plain text');
    } else {
      headers[header.key.toLowerCase()] = header.value;
    }
  }
  let body: string | undefined;
  if (options.body !== undefined && options.jsonBody !== undefined) {
    found.push('web takes body or jsonBody, not both');
  } else if (options.body !== undefined || options.jsonBody !== undefined) {
    if (method === 'GET') {
      found.push('web body and jsonBody go with POST or PUT only');
    }
    if (options.jsonBody !== undefined) {
      body = JSON.stringify(options.jsonBody);
      headers['content-type'] = 'application/json';
    } else {
      body = String(options.body);
    }
  }
  const jsonPath =
    options.jsonPath === undefined ? '{$}' : String(options.jsonPath);
  const path = parseJsonPath(jsonPath);
  if (!path) {
    found.push(
      `web jsonPath ${jsonPath} is not read by Glu: give a path of fields and indexes, e.g. {$.data.ok} or {$.items[0].value}`,
    );
  }
  const timeoutMillis = seconds(
    options.timeoutSeconds,
    'web timeoutSeconds',
    found,
  );
  if (!url || !path || found.length > 0) return undefined;
  return {
    kind: 'web',
    url,
    method: method as 'GET',
    headers,
    body,
    timeoutMillis,
    path,
    jsonPath,
  };
}

/** What a `web` metric's address answered, at its jsonPath. */
async function measureWeb(
  provider: Extract<MetricProvider, { kind: 'web' }>,
  env: ProviderEnvironment,
): Promise<unknown> {
  const { url, method, headers, body, path, jsonPath } = provider;
  const where = `${url.host}${url.pathname}`;
  // Asked again at every measurement: the platform may change its mind.
  if (!httpGateAllows(env.allow, url)) {
    throw new ServiceUnavailableError(
      `the platform does not let Glu ask ${where} (glu.gates.http.allow)`,
    );
  }
  const timeout = Math.min(
    provider.timeoutMillis ?? env.timeoutMillis,
    env.timeoutMillis,
  );
  let response: Response;
  let text: string;
  try {
    response = await env.send(timeout)(url, {
      method,
      headers: { accept: 'application/json, */*', ...headers },
      body,
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    throw new ServiceUnavailableError(
      `${where} did not answer: ${whyNoAnswer(error, timeout)}`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw new ServiceUnavailableError(
      `${where} answered ${response.status}, not 2xx`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // Argo evaluates an answer that is not JSON as its text.
    return text;
  }
  let value = document;
  for (const key of path) {
    value =
      value !== null &&
      typeof value === 'object' &&
      Object.prototype.hasOwnProperty.call(value, key)
        ? (value as Record<string | number, unknown>)[key]
        : undefined;
  }
  if (value === undefined) {
    throw new ServiceUnavailableError(
      `${where} answered nothing at ${jsonPath}`,
    );
  }
  return value;
}

/**
 * The `result` that a metric's conditions look at: a number for a
 * Prometheus scalar, an array of numbers for a vector (or all the samples
 * of a range vector), the JSON value at jsonPath for web.
 */
export async function measureProvider(
  provider: MetricProvider,
  env: ProviderEnvironment,
): Promise<unknown> {
  if (provider.kind === 'web') return measureWeb(provider, env);
  const answer = await provider.client.query(provider.query, {
    timeoutMillis: provider.timeoutMillis,
  });
  switch (answer.resultType) {
    case 'scalar':
    case 'string':
      return answer.value;
    case 'vector':
      return answer.series.map(s => s.value);
    default:
      return answer.values;
  }
}
