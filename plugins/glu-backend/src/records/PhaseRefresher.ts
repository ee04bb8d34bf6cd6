import { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  intervalMillis as intervalMillisOf,
  PipelineDefinition,
  PipelineRefresh,
} from '@glu-dev/plugin-glu-common';
import { GluObservation, GluSourcePhase } from '@glu-dev/plugin-glu-node';
import { GluStore } from '../store/GluStore';
import { SourceCheck } from '../store/SourceCheckStore';
import { PhaseState, RefreshFailure } from '../store/types';
import { leaseOfPhase, Leases } from './Leases';
import { PhaseChange, PhaseHistory } from './PhaseHistory';
import { PhaseSources } from '../pipelines/PhaseSources';
import { errorMessage } from '../errors';
import { fieldsProblem } from '../resourceForm';
import { ATTR, repositoryUrlOf } from '../telemetry/attributes';
import { GluTelemetry } from '../telemetry/GluTelemetry';

export type { PhaseChange } from './PhaseHistory';

/** Phases asked about together: one source's group, at one interval. */
interface RefreshGroup {
  check: SourceCheck;
  phases: GluSourcePhase[];
  /** Whether one of them was never looked at. */
  unseen?: boolean;
}

/** How many repositories or registries are asked at once. */
const GROUPS_AT_ONCE = 8;

/** Runs work over items, a few at a time. */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      while (queue.length > 0) {
        await work(queue.shift()!);
      }
    }),
  );
}

/**
 * What kind of failure a refresh's error is, decided here alone: a source
 * that could not be reached says so with a ServiceUnavailableError (the
 * Git host or registry hung, died or refused; a deadline that passed is the
 * same); edges go on from what the phase held, and a write finds out for
 * itself. Any other error is the source's answer, which is not a resource
 * (a file that is not valid YAML, a file or branch that is gone, a field of
 * the wrong form), and blocks the phase's edges until a refresh sees a good
 * one.
 */
export function refreshFailureOf(error: Error): RefreshFailure {
  return ['ServiceUnavailableError', 'TimeoutError'].includes(error.name)
    ? 'unreachable'
    : 'invalid';
}

/**
 * What a source answered for a phase, as an error when it is not a version
 * of good form: a phase holds no malformed value.
 */
function wellFormed(
  observation: GluObservation | Error | undefined,
  type: string,
): GluObservation | Error {
  if (!observation) {
    return new ServiceUnavailableError(`The ${type} source did not answer`);
  }
  if (observation instanceof Error) return observation;
  const problem = fieldsProblem(observation.fields);
  return problem
    ? new Error(
        `The ${type} source read a version that is not valid: ${problem}`,
      )
    : observation;
}

/**
 * Asks every phase's source what the phase holds, and records what changed.
 * A source is asked about the due phases of one group at once (the `git`
 * source fetches each repository once however many phases live in it), and
 * the groups apart, a few at a time, so that one hung repository or registry
 * delays nobody else. A change that Glu did not make (someone committed
 * to the file) lands in the history like any other, with its author.
 */
export class PhaseRefresher {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines' | 'checks'>;
      sources: PhaseSources;
      history: PhaseHistory;
      leases: Leases;
      logger: LoggerService;
      telemetry: GluTelemetry;
    },
  ) {}

  /** The groups being asked about in this replica, by key. */
  private readonly inFlight = new Set<string>();

  /**
   * Refreshes the given pipelines now (all of them, each phase at its own
   * interval, when none are given), and answers what changed.
   *
   * A scheduled refresh passes `waitMillis`: it answers once that much time
   * has passed even if some groups are still being asked (a repository that
   * hangs until its deadline), so that the next refresh of every other group
   * comes on time. Those groups go on in the background, are not asked again
   * while they are, and hand what they saw to `onChanges` when they end.
   */
  async refresh(
    pipelineRefs?: string[],
    options: {
      waitMillis?: number;
      onChanges?: (changes: PhaseChange[]) => Promise<void>;
    } = {},
  ): Promise<PhaseChange[]> {
    const { store } = this.deps;
    const pipelines = await store.pipelines.listPipelineDefinitions(
      pipelineRefs,
    );
    // What each phase held when its source was asked: a state recorded
    // since then (a write) makes what the source saw stale.
    const states = new Map(
      (
        await store.phases.getPhaseStates(
          pipelineRefs ? pipelines.map(p => p.ref) : undefined,
        )
      ).map(s => [`${s.pipelineRef}/${s.phase}`, s]),
    );
    // The phases that share a request (a repository, a registry) and an
    // interval are asked about together, each group apart from the others.
    const groups = new Map<string, RefreshGroup>();
    for (const pipeline of pipelines) {
      for (const phase of pipeline.phases) {
        const sourcePhase = this.deps.sources.phase(pipeline, phase);
        const check = this.checkOf(sourcePhase);
        const group = groups.get(check.key) ?? { check, phases: [] };
        group.phases.push(sourcePhase);
        group.unseen ||= !states.get(`${pipeline.ref}/${phase.name}`)
          ?.refreshedAt;
        groups.set(check.key, group);
      }
    }
    // Pipelines asked for are looked at now; on schedule, each group once
    // its interval has passed since it was last checked, or when one of its
    // phases was never looked at.
    const scheduled = !pipelineRefs;
    const checked = scheduled
      ? await store.checks.getChecks([...groups.keys()])
      : new Map<string, Date>();
    const now = Date.now();
    const due = ({ check, unseen }: RefreshGroup) => {
      const at = checked.get(check.key);
      return (
        !scheduled ||
        unseen ||
        !check.intervalMillis ||
        !at ||
        at.getTime() + check.intervalMillis <= now
      );
    };
    const changes: PhaseChange[] = [];
    const background = options.waitMillis !== undefined;
    const work = forEachLimited(
      [...groups.values()].filter(
        group =>
          due(group) && !(background && this.inFlight.has(group.check.key)),
      ),
      GROUPS_AT_ONCE,
      async group => {
        const { key } = group.check;
        this.inFlight.add(key);
        try {
          const seen = await this.observeTraced(group, states, scheduled);
          changes.push(...seen);
          if (seen.length > 0) {
            await options
              .onChanges?.(seen)
              .catch(error =>
                this.deps.logger.warn(
                  `Following up a refresh failed: ${errorMessage(error)}`,
                ),
              );
          }
        } finally {
          this.inFlight.delete(key);
        }
      },
    );
    if (!background) {
      await work;
      return changes;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Groups that end after the answer must not fail unheard.
      work.catch(error =>
        this.deps.logger.warn(`A refresh failed: ${errorMessage(error)}`),
      ),
      new Promise(resolve => {
        timer = setTimeout(resolve, options.waitMillis);
      }),
    ]);
    clearTimeout(timer);
    return [...changes];
  }

  /** The group a phase is asked about in, and at which interval. */
  checkOf(phase: GluSourcePhase): SourceCheck {
    const sourceType = phase.config.type;
    const group = this.deps.sources.get(sourceType)?.groupOf?.(phase) ?? '';
    const intervalMillis = intervalMillisOf(phase.config.interval) ?? 0;
    return {
      key: createHash('sha256')
        .update(JSON.stringify([sourceType, group, intervalMillis]))
        .digest('hex'),
      sourceType,
      group,
      intervalMillis,
    };
  }

  /**
   * When each phase of a pipeline was last looked at (its group's last
   * check, or when it was looked at alone or changed, whichever is later),
   * and which phases fail to refresh.
   */
  async refreshOf(pipeline: PipelineDefinition): Promise<PipelineRefresh> {
    const { store, sources } = this.deps;
    const states = new Map(
      (await store.phases.getPhaseStates([pipeline.ref])).map(s => [
        s.phase,
        s,
      ]),
    );
    const keys = pipeline.phases.map(
      phase => this.checkOf(sources.phase(pipeline, phase)).key,
    );
    const checked = await store.checks.getChecks(keys);
    return {
      phases: pipeline.phases.map(({ name }, i) => {
        const state = states.get(name);
        const times = [
          checked.get(keys[i])?.getTime(),
          state?.refreshedAt ? Date.parse(state.refreshedAt) : undefined,
        ].filter((t): t is number => t !== undefined);
        return {
          name,
          ...(times.length
            ? { lookedAt: new Date(Math.max(...times)).toISOString() }
            : {}),
          ...(state?.refreshError
            ? {
                refreshError: state.refreshError,
                ...(state.refreshFailingSince
                  ? { refreshFailingSince: state.refreshFailingSince }
                  : {}),
              }
            : {}),
        };
      }),
    };
  }

  /**
   * One group in a span of its own (its states are stored with it: the
   * trace of a version Glu first saw here starts here), timed by source
   * type.
   */
  private async observeTraced(
    { check, phases }: RefreshGroup,
    states: Map<string, PhaseState>,
    scheduled: boolean,
  ): Promise<PhaseChange[]> {
    const { telemetry, store } = this.deps;
    const started = performance.now();
    return telemetry.span(
      'glu.refresh.group',
      {
        attributes: {
          [ATTR.SOURCE_TYPE]: check.sourceType,
          ...(check.group
            ? { [ATTR.SOURCE_GROUP]: repositoryUrlOf(check.group) }
            : {}),
          'glu.refresh.phases': phases.length,
        },
      },
      async span => {
        const askedAt = new Date();
        const { changes, failed, error } = await this.observe(
          check.sourceType,
          phases,
          states,
          { askedAt, scheduled },
        );
        // One row for the whole group, whatever its size.
        if (scheduled) await store.checks.markChecked([check], askedAt);
        span.setAttributes({
          'glu.refresh.changed': changes.length,
          'glu.refresh.failed': failed,
        });
        if (error !== undefined) telemetry.failed(span, error);
        telemetry.refreshed(
          check.sourceType,
          (performance.now() - started) / 1000,
          error,
        );
        return changes;
      },
    );
  }

  /**
   * Asks one source about its phases, and records what changed: a phase
   * that holds what it held, and fails as it failed (if it did), is not
   * written, except to say when it was looked at when it was asked for
   * alone (a scheduled check says so once for its whole group).
   */
  private async observe(
    type: string,
    phases: GluSourcePhase[],
    states: Map<string, PhaseState>,
    options: { askedAt: Date; scheduled: boolean },
  ): Promise<{ changes: PhaseChange[]; failed: number; error?: unknown }> {
    const { store, sources, logger, telemetry } = this.deps;
    const source = sources.get(type);
    if (!source?.observe) return { changes: [], failed: 0 };
    let observations: Array<GluObservation | Error>;
    let sourceError: unknown;
    let failed = 0;
    // A look that began before another ended does not undo what it found.
    const { askedAt } = options;
    try {
      observations = await source.observe(phases);
    } catch (error) {
      sourceError = error;
      observations = phases.map(() =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }
    const changes: PhaseChange[] = [];
    // Phases known to hold what they held, whose failure is over: their
    // views change, together.
    const recovered: GluSourcePhase[] = [];
    // Phases whose view does not change at all.
    const unchanged: GluSourcePhase[] = [];
    for (const [index, phase] of phases.entries()) {
      const seen = states.get(`${phase.pipelineRef}/${phase.phase}`);
      // A phase that stops or starts holding something that is not a
      // resource changes its edges: they follow up as for a new state.
      const flipped = (invalid: boolean) => {
        if (seen?.current && (seen.refreshFailure === 'invalid') !== invalid) {
          changes.push({
            pipelineRef: phase.pipelineRef,
            phase: phase.phase,
            digest: seen.current.digest,
          });
        }
      };
      const observation = wellFormed(observations[index], type);
      if (observation instanceof Error) {
        logger.warn(
          `Could not refresh ${phase.pipelineRef} ${phase.phase}: ${observation.message}`,
        );
        failed += 1;
        telemetry.refreshFailed(phase.pipelineRef, phase.phase, type);
        let failure = refreshFailureOf(observation);
        let message = observation.message;
        if (failure === 'unreachable' && seen?.refreshFailure === 'invalid') {
          // Nothing new is known of it: what it answered last still stands.
          failure = 'invalid';
          message = seen.refreshError ?? message;
        }
        if (seen?.refreshError === message && seen.refreshFailure === failure) {
          unchanged.push(phase);
          continue;
        }
        await store.phases.markRefreshed(
          phase.pipelineRef,
          phase.phase,
          message,
          failure,
        );
        flipped(failure === 'invalid');
        continue;
      }
      if (this.deps.history.isKnown(observation, seen)) {
        (seen?.refreshError ? recovered : unchanged).push(phase);
        flipped(false);
        continue;
      }
      try {
        const change = await this.record(phase, observation, seen);
        if (change) changes.push(change);
        else flipped(false);
      } catch (error) {
        failed += 1;
        telemetry.refreshFailed(phase.pipelineRef, phase.phase, type);
        // Glu's own failure to record it, not the source's answer.
        await store.phases.markRefreshed(
          phase.pipelineRef,
          phase.phase,
          errorMessage(error),
        );
      }
    }
    const refsOf = (of: GluSourcePhase[]) =>
      of.map(p => ({ pipelineRef: p.pipelineRef, phase: p.phase }));
    if (recovered.length > 0) {
      await store.phases.markRefreshedMany(refsOf(recovered), askedAt);
    }
    if (!options.scheduled && unchanged.length > 0) {
      await store.phases.markLookedAt(refsOf(unchanged), askedAt);
    }
    return { changes, failed, error: sourceError };
  }

  private async record(
    phase: GluSourcePhase,
    observation: GluObservation,
    seen: PhaseState | undefined,
  ): Promise<PhaseChange | undefined> {
    const { history, leases } = this.deps;
    // A phase that a write holds right now is looked at on the next
    // refresh: the write records its own change.
    const outcome = await leases.tryWithLease(
      leaseOfPhase(phase.pipelineRef, phase.phase),
      () => history.observed(phase.pipelineRef, phase.phase, observation, seen),
    );
    return outcome?.result;
  }
}
