/**
 * Milliseconds of a duration like `30s`; undefined for none.
 *
 * @public
 */
export function intervalMillis(interval: unknown): number | undefined {
  if (typeof interval !== 'string') return undefined;
  const match = interval.match(/^(\d+)(ms|s|m|h|d)$/);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}
