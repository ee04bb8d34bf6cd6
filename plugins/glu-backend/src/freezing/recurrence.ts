import { Config } from '@backstage/config';
import { FreezeScope } from '@glu-dev/plugin-glu-common';
import { readDurationFromConfig } from '@backstage/config';
import { DateTime, Duration } from 'luxon';
import { RRule } from 'rrule';
import { normalizeScope } from './scope';

/** One stretch of time in which a freeze holds. */
export interface Occurrence {
  start: Date;
  end: Date;
}

/**
 * A freeze from app-config (`glu.freezes`): it holds during the occurrences
 * of an RFC 5545 recurrence rule, each lasting `duration`, or during dates,
 * in a time zone.
 */
export interface ConfiguredFreeze {
  /** `config:<name>` */
  id: string;
  reason: string;
  scope: FreezeScope;
  rollbacks: boolean;
  /** The rule or the dates, as configured: what the portal shows. */
  recurrence: string;
  /** The occurrence that holds at `now`, else the next one, if any. */
  occurrenceAt(now: Date): Occurrence | undefined;
}

/**
 * A wall-clock time as rrule computes with it: the zone's local time written
 * as if it were UTC, so that "16:00 every Friday" stays 16:00 across
 * daylight saving time.
 */
function floating(time: DateTime): Date {
  return new Date(
    Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute),
  );
}

function fromFloating(date: Date, zone: string): DateTime {
  return DateTime.fromObject(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
    },
    { zone },
  );
}

/** A time of app-config in a zone: `2026-12-20` (its start) or `2026-12-20T16:00`. */
function localTime(text: string, zone: string, where: string): DateTime {
  const time = DateTime.fromISO(text, { zone });
  if (!time.isValid) {
    throw new Error(`${where}: ${text} is not a date or date and time`);
  }
  return time;
}

/**
 * An occurrence stays the answer until it ends: it is computed again only
 * then (or when the clock goes back), not on every decision.
 */
function remembered(
  compute: (now: Date) => Occurrence | undefined,
): (now: Date) => Occurrence | undefined {
  let last: { at: Date; answer?: Occurrence } | undefined;
  return now => {
    if (
      !last ||
      now < last.at ||
      (last.answer ? now >= last.answer.end : false)
    ) {
      last = { at: now, answer: compute(now) };
    }
    return last.answer;
  };
}

/** Occurrences of a rule: the one holding at `now`, else the next. */
function ruleOccurrences(
  rule: RRule,
  duration: Duration,
  zone: string,
): (now: Date) => Occurrence | undefined {
  return remembered(now => {
    const local = floating(DateTime.fromJSDate(now).setZone(zone));
    const span = (start: Date): Occurrence => {
      const begin = fromFloating(start, zone);
      return {
        start: begin.toJSDate(),
        end: begin.plus(duration).toJSDate(),
      };
    };
    // The last start at or before now (an occurrence that may still hold).
    const last = rule.before(local, true);
    if (last) {
      const held = span(last);
      if (held.end > now) return held;
    }
    const next = rule.after(local, false);
    return next ? span(next) : undefined;
  });
}

/** Reads `glu.freezes`; a rule or date that cannot be read stops the start. */
export function readConfiguredFreezes(config: Config): ConfiguredFreeze[] {
  const names = new Set<string>();
  return (config.getOptionalConfigArray('glu.freezes') ?? []).map(
    (freeze, index) => {
      const name = freeze.getString('name');
      const where = `glu.freezes[${index}] (${name})`;
      if (!/^[-_.a-zA-Z0-9]{1,100}$/.test(name) || names.has(name)) {
        throw new Error(
          `${where}: a freeze's name is unique, of letters, digits, '-', '_' and '.'`,
        );
      }
      names.add(name);
      const zone = freeze.getOptionalString('timezone') ?? 'UTC';
      if (!DateTime.now().setZone(zone).isValid) {
        throw new Error(`${where}: ${zone} is not a time zone`);
      }
      let scope: FreezeScope;
      try {
        scope = normalizeScope(
          (freeze.getOptional('scope') ?? {}) as FreezeScope,
        );
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
      const base = {
        id: `config:${name}`,
        reason: freeze.getString('reason'),
        scope,
        rollbacks: freeze.getOptionalBoolean('rollbacks') ?? false,
      };
      const rule = freeze.getOptionalString('recurrence');
      if (rule) {
        if (!freeze.has('duration')) {
          throw new Error(`${where}: a recurrence needs a duration`);
        }
        let parsed: RRule;
        try {
          parsed = new RRule({
            ...RRule.parseString(rule.replace(/^RRULE:/i, '')),
            // Wall-clock times: the zone is applied to each occurrence.
            dtstart: new Date(Date.UTC(2020, 0, 1)),
            tzid: null,
          });
        } catch (error) {
          throw new Error(
            `${where}: ${rule} is not a recurrence rule: ${error}`,
          );
        }
        const duration = Duration.fromObject(
          readDurationFromConfig(freeze, { key: 'duration' }),
        );
        return {
          ...base,
          recurrence: `${rule} (${zone}), for ${duration.rescale().toHuman()}`,
          occurrenceAt: ruleOccurrences(parsed, duration, zone),
        };
      }
      const dates = (freeze.getOptionalConfigArray('dates') ?? []).map(d => {
        const from = localTime(d.getString('from'), zone, where);
        const toText = d.getString('to');
        const to = localTime(toText, zone, where);
        // A date alone ends at the end of that day.
        const end = toText.includes('T') ? to : to.plus({ days: 1 });
        if (end <= from) {
          throw new Error(`${where}: ${toText} is not after ${from.toISO()}`);
        }
        return {
          start: from.toJSDate(),
          end: end.toJSDate(),
          text: `${d.getString('from')} to ${toText}`,
        };
      });
      if (dates.length === 0) {
        throw new Error(`${where}: give a recurrence or dates`);
      }
      return {
        ...base,
        recurrence: `${dates.map(d => d.text).join(', ')} (${zone})`,
        occurrenceAt: (now: Date) =>
          dates
            .filter(d => d.end > now)
            .sort((a, b) => a.start.getTime() - b.start.getTime())
            .map(({ start, end }) => ({ start, end }))[0],
      };
    },
  );
}
