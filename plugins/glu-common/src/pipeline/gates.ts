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
      return Number.isInteger(config) && (config as number) > 0
        ? []
        : ['must be how many people must approve, e.g. 2'];
    case 'checks':
      return requiredChecks(config)
        ? []
        : [
            'must be "all", or the names of the required checks, e.g. [build, e2e]',
          ];
    case 'window':
      return windowProblems(config);
    default:
      return undefined;
  }
}
