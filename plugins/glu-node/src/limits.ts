import { Config } from '@backstage/config';

/**
 * How much Glu reads of what comes from outside, from app-config
 * `glu.limits`: beyond these, an input is refused with an error that names
 * the limit and its setting.
 *
 * @public
 */
export interface GluLimits {
  /** A phase's file, read from Git or written to it, in bytes. */
  fileBytes: number;
  /**
   * One answer of a registry, a Git host's API or another service (a token,
   * a tag list, a manifest, a pull request, an application), in bytes.
   */
  answerBytes: number;
  /** A chart repository's `index.yaml`, in bytes. */
  chartIndexBytes: number;
  /** How deep the collections of a YAML document may nest. */
  yamlDepth: number;
  /**
   * The nodes (keys, values, items) a YAML file may hold, counting what its
   * aliases repeat as many times as they repeat it.
   */
  yamlNodes: number;
}

const MB = 1024 * 1024;

const DEFAULTS: GluLimits = {
  fileBytes: 4 * MB,
  answerBytes: 8 * MB,
  chartIndexBytes: 64 * MB,
  yamlDepth: 100,
  yamlNodes: 1_000_000,
};

/**
 * The limits of `glu.limits`, each its default when left out (all of them
 * without a config).
 *
 * @public
 */
export function gluLimits(config?: Config): GluLimits {
  const limits = { ...DEFAULTS };
  if (!config) return limits;
  for (const name of Object.keys(DEFAULTS) as Array<keyof GluLimits>) {
    const value = config.getOptionalNumber(`glu.limits.${name}`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(
        `${gluLimitSetting(
          name,
        )} must be a positive whole number, not ${value}`,
      );
    }
    limits[name] = value;
  }
  return limits;
}

/**
 * The setting of a limit, for messages: `glu.limits.fileBytes`.
 *
 * @public
 */
export function gluLimitSetting(name: keyof GluLimits): string {
  return `glu.limits.${name}`;
}

/**
 * A size for people: `512 bytes`, `12 KB`, `5.2 MB`.
 *
 * @public
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [size, unit] = bytes < MB ? [bytes / 1024, 'KB'] : [bytes / MB, 'MB'];
  return `${size < 10 ? Math.round(size * 10) / 10 : Math.round(size)} ${unit}`;
}

/**
 * An input over one of Glu's limits.
 *
 * @public
 */
export class GluLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GluLimitError';
  }
}

/** Statuses whose answers have no body, which a Response may not be given. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A fetch that reads each answer whole, up to `bytes`, before it answers:
 * an answer that says it is longer is refused before it is read, and one
 * that turns out longer stops being read (its connection is closed) as soon
 * as it is over. Either fails the fetch itself with a `GluLimitError` that
 * names `setting`, so that every caller sees it the same way, however it
 * reads bodies.
 *
 * @public
 */
export function fetchWithinLimit(
  limit: { bytes: number; setting: string },
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (!response.body || NO_BODY.has(response.status)) return response;
    const url = new URL(
      typeof input === 'string' || input instanceof URL ? input : input.url,
    );
    const what = `the answer of ${url.host}${url.pathname}`;
    const setting = `${limit.setting} (${formatBytes(limit.bytes)})`;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    // Cancelled, not waited for: some streams settle their cancel late.
    if (declared > limit.bytes) {
      response.body.cancel().catch(() => {});
      throw new GluLimitError(
        `${what} is ${formatBytes(declared)}, over ${setting}`,
      );
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let read = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      if (read > limit.bytes) {
        reader.cancel().catch(() => {});
        throw new GluLimitError(
          `${what} is longer than ${formatBytes(limit.bytes)}, over ${setting}`,
        );
      }
      chunks.push(value);
    }
    const whole = new Response(Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // What a Response cannot be constructed with, as the original answered.
    Object.defineProperties(whole, {
      url: { value: response.url },
      redirected: { value: response.redirected },
    });
    return whole;
  };
}
