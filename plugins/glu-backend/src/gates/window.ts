import { builtInGateProblems, WINDOW_DAYS } from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { DateTime } from 'luxon';

const DAYS = WINDOW_DAYS;

interface Slot {
  days?: string[];
  /** `HH:mm`, inclusive */
  from?: string;
  /** `HH:mm`, exclusive; `24:00` for the end of the day */
  to?: string;
}

interface WindowConfig {
  allow?: Slot[];
  deny?: Slot[];
  timezone?: string;
}

function minutes(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
}

function describe(slot: Slot): string {
  return `${slot.days?.join(', ') ?? 'every day'} ${slot.from ?? '00:00'}-${
    slot.to ?? '24:00'
  }`;
}

function inSlot(time: DateTime, slot: Slot): boolean {
  const day = DAYS[time.weekday - 1];
  if (
    slot.days &&
    !slot.days.map(d => d.toLowerCase().slice(0, 3)).includes(day)
  ) {
    return false;
  }
  const now = time.hour * 60 + time.minute;
  return now >= minutes(slot.from, 0) && now < minutes(slot.to, 24 * 60);
}

/**
 * `window`: promotions only inside `allow` slots and never inside `deny`
 * slots, in a time zone, e.g. a Friday freeze:
 * `{ window: { deny: [{ days: [fri] }], timezone: Europe/Berlin } }`.
 */
export const windowGate: GluGate = {
  type: 'window',
  // Follows the clock.
  cacheable: false,
  validate: config => builtInGateProblems('window', config)!,
  async evaluate(config, context) {
    const window = config as WindowConfig;
    const zone = window.timezone ?? 'UTC';
    const time = DateTime.fromJSDate(context.now).setZone(zone);
    const at = `${time.toFormat('ccc HH:mm')} ${zone}`;
    const denied = (window.deny ?? []).find(slot => inSlot(time, slot));
    if (denied) {
      return {
        passed: false,
        reason: `no promotions ${describe(denied)} (now ${at})`,
      };
    }
    if (window.allow && window.allow.length > 0) {
      const allowed = window.allow.find(slot => inSlot(time, slot));
      if (!allowed) {
        return {
          passed: false,
          reason: `promotions only ${window.allow
            .map(describe)
            .join('; ')} (now ${at})`,
        };
      }
    }
    return { passed: true, reason: `inside the promotion window (now ${at})` };
  },
};
