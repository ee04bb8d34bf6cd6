import {
  GluSourcePhase,
  GluWritableSource,
  GluWriteRequest,
  GluWriteResult,
} from '@glu-dev/plugin-glu-node';

/**
 * A write into a phase that is on its way: announced before it is asked
 * for, so that the source can get ready for it and gather it with the
 * writes of the same moment.
 */
export interface ExpectedWrite {
  /** When it was announced (epoch milliseconds). */
  readonly since: number;
  /** It will not be asked for after all. Once is enough; later calls do nothing. */
  cancel(): void;
}

/**
 * A writable source of Glu's own that is told of writes on their way (the
 * `git` source, whose commit of a moment waits for them). An arrangement
 * between the engine and such a source, not part of the extension API: an
 * extension's source is written when asked, and that is all it needs.
 */
export interface AnnouncingSource {
  /** A write into the phase is on its way: decided, not asked for yet. */
  expectWrite(phase: GluSourcePhase): ExpectedWrite;
  /** The write, counted as the one announced when it was. */
  write(
    request: GluWriteRequest,
    expected?: ExpectedWrite,
  ): Promise<GluWriteResult>;
}

/** Marks a source as an `AnnouncingSource`. */
export const ANNOUNCES_WRITES: unique symbol = Symbol('glu.announcesWrites');

/** The source as one that is told of writes on their way, if it is. */
export function announcing(
  source: GluWritableSource,
): AnnouncingSource | undefined {
  return (source as { [ANNOUNCES_WRITES]?: true })[ANNOUNCES_WRITES]
    ? (source as unknown as AnnouncingSource)
    : undefined;
}
