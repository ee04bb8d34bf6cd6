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

/**
 * A duration in words, as the portal and the command line show it: `45s`,
 * `12m`, `3h 5m`, `2d 4h`.
 *
 * @public
 */
export function durationWords(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`;
  const days = Math.floor(hours / 24);
  return `${days}d${hours % 24 ? ` ${hours % 24}h` : ''}`;
}
