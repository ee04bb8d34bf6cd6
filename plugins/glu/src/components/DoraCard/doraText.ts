import { durationWords } from '@glu-dev/plugin-glu-common';

/** A duration in words: `45s`, `12m`, `3h 5m`, `2d 4h`; `–` for none. */
export function durationLabel(seconds: number | undefined): string {
  return seconds === undefined ? '–' : durationWords(seconds);
}
