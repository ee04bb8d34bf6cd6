import { approvalPolicyProblems } from './approvals';
import { intervalMillis } from './durations';

/**
 * The days a `window` slot can name.
 *
 * @public
 */
export const WINDOW_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * The names of the checks a `checks` gate requires, or every check reported.
 *
 * @public
 */
export function requiredChecks(config: unknown): string[] | 'all' | undefined {
  if (config === 'all' || config === true) return 'all';
  const list =
    config && typeof config === 'object' && !Array.isArray(config)
      ? (config as { required?: unknown }).required
      : config;
  if (
    Array.isArray(list) &&
    list.length > 0 &&
    list.every(name => typeof name === 'string' && name.length > 0)
  ) {
    return list as string[];
  }
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    return Boolean(new Intl.DateTimeFormat('en-US', { timeZone: zone }));
  } catch {
    return false;
  }
}

function windowProblems(config: unknown): string[] {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return ['must be an object with allow or deny slots'];
  }
  const window = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(window)) {
    if (!['allow', 'deny', 'timezone'].includes(key)) {
      problems.push(`"${key}" is not allow, deny or timezone`);
    }
  }
  if (window.allow === undefined && window.deny === undefined) {
    problems.push('must have allow or deny slots');
  }
  if (
    window.timezone !== undefined &&
    (typeof window.timezone !== 'string' || !isTimeZone(window.timezone))
  ) {
    problems.push(`timezone "${window.timezone}" is unknown`);
  }
  for (const key of ['allow', 'deny']) {
    const slots = window[key];
    if (slots === undefined) continue;
    if (!Array.isArray(slots)) {
      problems.push(`${key} must be a list of slots like { days: [fri] }`);
      continue;
    }
    for (const slot of slots) {
      if (!slot || typeof slot !== 'object') {
        problems.push(`${key} must be a list of slots like { days: [fri] }`);
        continue;
      }
      const { days, from, to } = slot as Record<string, unknown>;
      if (days !== undefined && !Array.isArray(days)) {
        problems.push('days must be a list like [mon, tue]');
      }
      for (const day of Array.isArray(days) ? days : []) {
        if (!WINDOW_DAYS.includes(String(day).toLowerCase().slice(0, 3))) {
          problems.push(`"${day}" is not a day of the week`);
        }
      }
      for (const time of [from, to]) {
        if (
          time !== undefined &&
          !/^([01]\d|2[0-4]):[0-5]\d$/.test(String(time))
        ) {
          problems.push(`"${time}" is not a time like 09:00`);
        }
      }
    }
  }
  return problems;
}

/**
 * The options that Glu reads itself from the configuration of a gate that
 * observes the running system (`argocd`, `http`, …), and the configuration
 * left for the gate.
 *
 * @public
 */
export interface ObservedGateOptions {
  /** How long the checks must pass without a break (`soak`); 0 when not set. */
  soakMillis: number;
  /** Whether a failed check rolls the upstream phase back (`rollback: true`). */
  rollback: boolean;
  /**
   * How often the gate is checked (`interval`), when it says; never more
   * often than `glu.gates.checkInterval`.
   */
  intervalMillis?: number;
  /** The configuration without `soak`, `rollback` and `interval`, for the gate. */
  config: Record<string, unknown>;
  /**
   * What is wrong with `soak`, `rollback`, `interval` or the shape, in words
   * for people.
   */
  problems: string[];
}

/**
 * Splits the configuration of a gate that observes into Glu's own options
 * and the gate's: `{ argocd: { application: x, soak: 5m, rollback: true } }`.
 *
 * @public
 */
export function observedGateOptions(config: unknown): ObservedGateOptions {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return {
      soakMillis: 0,
      rollback: false,
      config: {},
      problems: ['must be an object of options, e.g. { url: https://… }'],
    };
  }
  const { soak, rollback, interval, ...rest } = config as Record<
    string,
    unknown
  >;
  const problems: string[] = [];
  const soakMillis = soak === undefined ? 0 : intervalMillis(soak);
  if (soakMillis === undefined) {
    problems.push('soak must be a duration like 5m or 1h');
  }
  const every = interval === undefined ? undefined : intervalMillis(interval);
  if (interval !== undefined && !every) {
    problems.push('interval must be a duration like 30s or 1m');
  }
  if (rollback !== undefined && typeof rollback !== 'boolean') {
    problems.push('rollback must be true or false');
  }
  return {
    soakMillis: soakMillis ?? 0,
    rollback: rollback === true,
    ...(every ? { intervalMillis: every } : {}),
    config: rest,
    problems,
  };
}

/**
 * What an `http` gate expects of its endpoint: a status (by default any
 * 2xx) and optionally a field of the JSON it answers.
 *
 * @public
 */
export interface HttpGateConfig {
  url: string;
  /** The status the endpoint answers; by default any 2xx. */
  status?: number;
  /**
   * A field of the JSON answer (a dotted path, e.g. `info.version`) and the
   * value it must have; `$version` and `$digest` stand for what the upstream
   * phase holds.
   */
  json?: { path: string; equals: string | number | boolean };
}

/**
 * What is wrong with the `http` gate's own options (without `soak` and
 * `rollback`), in words for people.
 *
 * @public
 */
export function httpGateProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!['url', 'status', 'json'].includes(key)) {
      problems.push(
        `"${key}" is not url, status, json, soak, interval or rollback`,
      );
    }
  }
  let url: URL | undefined;
  try {
    url = typeof config.url === 'string' ? new URL(config.url) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    problems.push('url must be an http or https address');
  } else if (url.username || url.password) {
    problems.push('url must not hold credentials');
  }
  const { status, json } = config;
  if (
    status !== undefined &&
    !(Number.isInteger(status) && Number(status) >= 100 && Number(status) < 600)
  ) {
    problems.push('status must be an HTTP status like 200');
  }
  if (json !== undefined) {
    const field = json as Record<string, unknown> | null;
    if (
      !field ||
      typeof field !== 'object' ||
      typeof field.path !== 'string' ||
      !field.path ||
      !['string', 'number', 'boolean'].includes(typeof field.equals)
    ) {
      problems.push(
        'json must name a field and its value, e.g. { path: status, equals: UP }',
      );
    }
  }
  return problems;
}

/**
 * What is wrong with the configuration of a gate that Glu itself provides,
 * in words for people; undefined for gates of modules, which check their own.
 * The catalog and the engine ask the same question.
 *
 * @public
 */
export function builtInGateProblems(
  type: string,
  config: unknown,
): string[] | undefined {
  switch (type) {
    case 'soak':
      return intervalMillis(config) === undefined
        ? ['must be a duration like 30m, 2h or 1d']
        : [];
    case 'approvals':
      return approvalPolicyProblems(config);
    case 'checks':
      return requiredChecks(config)
        ? []
        : [
            'must be "all", or the names of the required checks, e.g. [build, e2e]',
          ];
    case 'window':
      return windowProblems(config);
    case 'http': {
      const options = observedGateOptions(config);
      return [...options.problems, ...httpGateProblems(options.config)];
    }
    default:
      return undefined;
  }
}
