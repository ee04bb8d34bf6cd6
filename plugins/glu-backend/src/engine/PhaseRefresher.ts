import { LoggerService } from '@backstage/backend-plugin-api';
import { intervalMillis } from '@glu-dev/plugin-glu-common';
import { GluObservation, GluSourcePhase } from '@glu-dev/plugin-glu-node';
import { DatabaseGluStore } from '../store/DatabaseGluStore';
import { PhaseState } from '../store/types';
import { leaseOfPhase, Leases } from './Leases';
import { PhaseChange, PhaseHistory } from './PhaseHistory';
import { PhaseSources } from './PhaseSources';
import { errorMessage } from '../errors';

export type { PhaseChange } from './PhaseHistory';

/**
 * Asks every phase's source what the phase holds, and records what changed.
 * Each source is asked about all of its due phases at once, so it can share
 * requests among them (the `git` source fetches each repository once however
 * many phases live in it). A change that Glu did not make (someone committed
 * to the file) lands in the history like any other, with its author.
 */
export class PhaseRefresher {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      sources: PhaseSources;
      history: PhaseHistory;
      leases: Leases;
      logger: LoggerService;
    },
  ) {}

  /**
   * Refreshes the given pipelines now (all of them, each phase at its own
   * interval, when none are given).
   */
  async refresh(pipelineRefs?: string[]): Promise<PhaseChange[]> {
    const { store, sources } = this.deps;
    const all = await store.listPipelineDefinitions();
    const pipelines = pipelineRefs
      ? all.filter(p => pipelineRefs.includes(p.ref))
      : all;
    // What each phase held when its source was asked: a state recorded
    // since then (a write) makes what the source saw stale.
    const states = new Map(
      (await store.getPhaseStates(pipelines.map(p => p.ref))).map(s => [
        `${s.pipelineRef}/${s.phase}`,
        s,
      ]),
    );
    const now = Date.now();
    const due = (state: PhaseState | undefined, interval: unknown) => {
      if (pipelineRefs) return true; // asked for now
      const millis = intervalMillis(interval);
      const refreshedAt = state?.refreshedAt;
      return !millis || !refreshedAt || Date.parse(refreshedAt) + millis <= now;
    };
    const byType = new Map<string, GluSourcePhase[]>();
    for (const pipeline of pipelines) {
      for (const phase of pipeline.phases) {
        const state = states.get(`${pipeline.ref}/${phase.name}`);
        if (!due(state, phase.source.interval)) continue;
        const list = byType.get(phase.source.type) ?? [];
        list.push(sources.phase(pipeline, phase));
        byType.set(phase.source.type, list);
      }
    }
    const changes = await Promise.all(
      [...byType].map(([type, phases]) => this.observe(type, phases, states)),
    );
    return changes.flat();
  }

  /** Asks one source about its phases, and records what it saw. */
  private async observe(
    type: string,
    phases: GluSourcePhase[],
    states: Map<string, PhaseState>,
  ): Promise<PhaseChange[]> {
    const { store, sources, logger } = this.deps;
    const source = sources.get(type);
    if (!source?.observe) return [];
    let observations: Array<GluObservation | Error>;
    try {
      observations = await source.observe(phases);
    } catch (error) {
      observations = phases.map(() =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }
    const changes: PhaseChange[] = [];
    for (const [index, phase] of phases.entries()) {
      const observation = observations[index];
      if (!observation || observation instanceof Error) {
        const message =
          observation?.message ?? `The ${type} source did not answer`;
        logger.warn(
          `Could not refresh ${phase.pipelineRef} ${phase.phase}: ${message}`,
        );
        await store.markRefreshed(phase.pipelineRef, phase.phase, message);
        continue;
      }
      try {
        const change = await this.record(
          phase,
          observation,
          states.get(`${phase.pipelineRef}/${phase.phase}`),
        );
        if (change) changes.push(change);
      } catch (error) {
        await store.markRefreshed(
          phase.pipelineRef,
          phase.phase,
          errorMessage(error),
        );
      }
    }
    return changes;
  }

  private async record(
    phase: GluSourcePhase,
    observation: GluObservation,
    seen: PhaseState | undefined,
  ): Promise<PhaseChange | undefined> {
    const { store, history, leases } = this.deps;
    if (history.isKnown(observation, seen)) {
      await store.markRefreshed(phase.pipelineRef, phase.phase);
      return undefined;
    }
    // A phase that a write holds right now is looked at on the next
    // refresh: the write records its own change.
    const outcome = await leases.tryWithLease(
      leaseOfPhase(phase.pipelineRef, phase.phase),
      () => history.observed(phase.pipelineRef, phase.phase, observation, seen),
    );
    return outcome?.result;
  }
}
