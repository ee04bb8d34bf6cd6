import { HttpGateConfig, httpGateProblems } from '@glu-dev/plugin-glu-common';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  GluGate,
  GluGateContext,
  GluGateResult,
  GluLimitError,
  gluLimitSetting,
  HttpGateAllowRule,
  httpGateAllows,
} from '@glu-dev/plugin-glu-node';

/** A field of a JSON document, by a dotted path (`info.version`, `items.0.state`). */
function fieldAt(document: unknown, dotted: string): unknown {
  let value = document;
  for (const part of dotted.replace(/^\$\.?/, '').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The value a field must have, with `$version` and `$digest` filled in. */
function expected(
  equals: string | number | boolean,
  context: GluGateContext,
): string {
  return String(equals)
    .replace(/\$version\b/g, context.from.version)
    .replace(/\$digest\b/g, context.from.digest);
}

/**
 * `http`: an endpoint of the running system answers as expected — a status
 * (by default any 2xx), and optionally a field of its JSON — e.g. a
 * staging deployment's health endpoint before production:
 * `{ http: { url: https://staging.example.com/health, json: { path: version, equals: $version }, soak: 5m } }`.
 * It asks only addresses that the platform allows (`glu.gates.http.allow`),
 * follows no redirects, sends no credentials, and every request ends by a
 * deadline. An answer that stops being as expected after it was is a
 * failure (an automatic rollback with `rollback: true`); before that, the
 * gate waits.
 */
export function createHttpGate(options: {
  allow: HttpGateAllowRule[];
  timeoutMillis: number;
  /** How large an answer may be (`glu.limits.answerBytes`). */
  maxAnswerBytes: number;
  fetch?: typeof fetch;
}): GluGate {
  const request = fetchWithinLimit(
    { bytes: options.maxAnswerBytes, setting: gluLimitSetting('answerBytes') },
    fetchWithDeadline(options.timeoutMillis, options.fetch),
  );
  return {
    type: 'http',
    observes: true,
    // Its answer has a soak time: it follows the clock.
    cacheable: false,
    validate: config =>
      httpGateProblems((config ?? {}) as Record<string, unknown>),
    async evaluate(config, context): Promise<GluGateResult> {
      const gate = config as unknown as HttpGateConfig;
      const url = new URL(gate.url);
      if (!httpGateAllows(options.allow, url)) {
        return {
          passed: false,
          reason: `the platform does not let Glu ask ${url.host} (glu.gates.http.allow)`,
        };
      }
      // Broken only once it had answered as expected for this version.
      const broken = (reason: string): GluGateResult => ({
        passed: false,
        reason,
        ...(context.previous?.passed || context.previous?.failed
          ? { failed: true }
          : {}),
      });
      let response: Response;
      try {
        response = await request(url, {
          redirect: 'manual',
          headers: { accept: 'application/json, */*' },
        });
      } catch (error) {
        if (error instanceof GluLimitError) return broken(error.message);
        const cause =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${Math.round(options.timeoutMillis / 1000)}s`
            : String(
                (error as { cause?: { code?: string } }).cause?.code ??
                  (error as Error).message,
              );
        return broken(`${url.host}${url.pathname} did not answer: ${cause}`);
      }
      const where = `${url.host}${url.pathname}`;
      const statusOk =
        gate.status !== undefined
          ? response.status === gate.status
          : response.status >= 200 && response.status < 300;
      if (!statusOk) {
        await response.body?.cancel().catch(() => {});
        return broken(
          `${where} answers ${response.status}, not ${gate.status ?? '2xx'}`,
        );
      }
      if (!gate.json) {
        await response.body?.cancel().catch(() => {});
        return { passed: true, reason: `${where} answers ${response.status}` };
      }
      // Read whole already, within the limit (see `request`).
      let document: unknown;
      try {
        document = JSON.parse(await response.text());
      } catch {
        return broken(`${where} does not answer JSON`);
      }
      const want = expected(gate.json.equals, context);
      const value = fieldAt(document, gate.json.path);
      if (value === undefined || String(value) !== want) {
        return broken(
          `${where} answers ${gate.json.path} ${
            value === undefined ? 'missing' : JSON.stringify(value)
          }, not ${JSON.stringify(want)}`,
        );
      }
      return {
        passed: true,
        reason: `${where} answers ${gate.json.path} ${JSON.stringify(want)}`,
      };
    },
  };
}
