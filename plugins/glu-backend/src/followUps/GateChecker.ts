import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GLU_AUTO_ROLLBACK_ACTOR,
  observedGateOptions,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import {
  GLU_GATE_MEASUREMENTS,
  GluGate,
  GluGateMeasurement,
  GluGateMetric,
  GluGateResult,
} from '@glu-dev/plugin-glu-node';
import { errorMessage, withinDeadline } from '../errors';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import { GateCheck } from '../store/types';
import { EdgeDecisions, PipelineSnapshot } from '../deciding/EdgeDecisions';
import { gateContext, gateError, gatesOf } from '../deciding/gates';
import { PhaseSources } from '../pipelines/PhaseSources';
import { PhaseWriter } from '../writing/PhaseWriter';
import { forEachLimited } from '../records/PhaseRefresher';
import { Notifier } from './Notifier';
import { PipelineChanges } from './PipelineChanges';

/** How many gates are asked at once. */
const CHECKS_AT_ONCE = 8;

/** How many metrics of one gate's answer are kept, and how long their words. */
const METRICS_KEPT = 10;
const WORDS_KEPT = 500;
const OUTCOMES: GluGateMeasurement['outcome'][] = [
  'successful',
  'failed',
  'inconclusive',
  'error',
];

/**
 * The metrics of a gate's answer as the store keeps them: at most
 * `METRICS_KEPT`, each with its last `GLU_GATE_MEASUREMENTS` measurements
 * (those with a time), words cut to `WORDS_KEPT` characters, values only
 * when finite.
 */
export function keptMetrics(
  metrics: GluGateMetric[] | undefined,
): GluGateMetric[] | undefined {
  if (!Array.isArray(metrics) || metrics.length === 0) return undefined;
  const words = (text: unknown) => String(text).slice(0, WORDS_KEPT);
  return metrics.slice(0, METRICS_KEPT).map(metric => ({
    name: words(metric.name),
    condition: words(metric.condition),
    measurements: (Array.isArray(metric.measurements)
      ? metric.measurements
      : []
    )
      // A measurement without a time it was taken says nothing.
      .filter(m => Number.isFinite(Date.parse(m.at)))
      .slice(-GLU_GATE_MEASUREMENTS)
      .map(m => ({
        at: new Date(m.at).toISOString(),
        ...(typeof m.value === 'number' && Number.isFinite(m.value)
          ? { value: m.value }
          : {}),
        // An outcome Glu does not know is a measurement that went wrong.
        outcome: OUTCOMES.includes(m.outcome) ? m.outcome : 'error',
        ...(m.message ? { message: words(m.message) } : {}),
      })),
  }));
}

/** One gate that observes, to ask about the version its upstream holds. */
interface DueCheck {
  snapshot: PipelineSnapshot;
  from: string;
  to: string;
  key: string;
  type: string;
  config: unknown;
}

/** A gate asked, and its answer as the store keeps it. */
interface Answered {
  check: DueCheck;
  answer: GateCheck;
}

/**
 * Checks the gates that observe the running system (`argocd`, `http`, …)
 * in the background, so that no decision ever waits on them: each asks
 * about the version its upstream phase holds, and its answer is kept in
 * the store, where decisions read it. A pipeline whose answers changed is
 * followed up like any change (automatic promotions, signals); a gate with
 * `rollback: true` that finds the version Glu promoted broken rolls the
 * upstream phase back to what it held before, pinned there.
 */
export class GateChecker {
  /** When this replica last checked, for the soaks that ended since. */
  private lastRun?: number;

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'gateChecks' | 'phases' | 'pipelines'>;
      decisions: EdgeDecisions;
      sources: PhaseSources;
      gates: ExtensionRegistry<GluGate>;
      writer: PhaseWriter;
      changes: PipelineChanges;
      /** Tells owners of automatic rollbacks. */
      notifier?: Notifier;
      logger: LoggerService;
      /** How long one gate may take to answer before it is given up on. */
      timeoutMillis: number;
    },
  ) {}

  /**
   * Checks every gate that observes of these pipelines (of every pipeline
   * when none are given), keeps the answers, rolls back what they find
   * broken, and follows up. Answers the pipelines whose answers changed.
   */
  async check(pipelineRefs?: string[]): Promise<string[]> {
    const { store, decisions, changes } = this.deps;
    const started = Date.now();
    const pipelines = (
      await store.pipelines.listPipelineDefinitions(pipelineRefs)
    ).filter(p => decisions.observes(p));
    if (pipelines.length === 0) return [];
    const snapshots = await decisions.snapshots(pipelines);
    const checks = snapshots.flatMap(snapshot => this.checksOf(snapshot));
    // A gate with an `interval` is asked again only once it has (about)
    // passed: a tenth of it is left for the time the last answer took.
    const kept: Answered[] = [];
    const due: DueCheck[] = [];
    for (const check of checks) {
      const last = this.lastAnswer(check);
      const every = observedGateOptions(check.config).intervalMillis ?? 0;
      if (last && started - Date.parse(last.checkedAt) < every * 0.9) {
        kept.push({ check, answer: last });
      } else {
        due.push(check);
      }
    }
    const answered: Answered[] = [];
    await forEachLimited(due, CHECKS_AT_ONCE, async check => {
      answered.push({ check, answer: await this.ask(check) });
    });
    const changed = new Set(
      await store.gateChecks.saveGateChecks(answered.map(a => a.answer)),
    );
    for (const ref of await this.rollBackBroken(answered)) {
      changed.add(ref);
    }
    // A soak that ended since the last run changes the decision too.
    for (const { check, answer } of [...answered, ...kept]) {
      const ends =
        Date.parse(answer.since) + observedGateOptions(check.config).soakMillis;
      if (
        answer.passed &&
        ends <= started &&
        (this.lastRun === undefined || ends > this.lastRun)
      ) {
        changed.add(answer.pipelineRef);
      }
    }
    this.lastRun = started;
    if (changed.size > 0) await changes.changed([...changed]);
    return [...changed].sort();
  }

  /** The gates that observe, of each edge whose upstream holds a version. */
  private checksOf(snapshot: PipelineSnapshot): DueCheck[] {
    const due: DueCheck[] = [];
    for (const to of snapshot.pipeline.phases) {
      for (const edge of to.edges) {
        if (!snapshot.states.get(edge.from)?.current) continue;
        for (const gate of gatesOf(
          { from: edge.from, to: to.name },
          edge.gates,
        )) {
          if (!this.deps.gates.get(gate.type)?.observes) continue;
          due.push({ snapshot, from: edge.from, to: to.name, ...gate });
        }
      }
    }
    return due;
  }

  /** The gate's last answer about the version its upstream holds now. */
  private lastAnswer({ snapshot, from, key }: DueCheck): GateCheck | undefined {
    const digest = snapshot.states.get(from)?.current?.digest;
    return snapshot.checks.find(c => c.gateKey === key && c.digest === digest);
  }

  /** Asks one gate, within its deadline; its answer as the store keeps it. */
  private async ask(check: DueCheck): Promise<GateCheck> {
    const { sources, gates, timeoutMillis } = this.deps;
    const { snapshot, from, to, key, type } = check;
    const { pipeline } = snapshot;
    const gate = gates.get(type)!;
    const upstream = snapshot.states.get(from)!;
    const origin = upstream.current!;
    const last = this.lastAnswer(check);
    const fromPhase = pipeline.phases.find(p => p.name === from)!;
    const source = sources.get(fromPhase.source.type);
    const sourcePhase = sources.phase(pipeline, fromPhase);
    const location = sources.locate(pipeline, fromPhase);
    const context = {
      ...gateContext(
        {
          pipelineRef: pipeline.ref,
          from: {
            phase: from,
            state: origin,
            since: upstream.heldSince,
            ...(location ? { location } : {}),
          },
          to: { phase: to, state: snapshot.states.get(to)?.current },
        },
        [],
      ),
      ...(pipeline.labels ? { labels: pipeline.labels } : {}),
      ...(source?.includes && origin.commitSha
        ? {
            includes: (revision: string) =>
              source.includes!(sourcePhase, revision, origin.commitSha!),
          }
        : {}),
      ...(source?.readFile && origin.commitSha
        ? {
            readFile: (path: string) =>
              source.readFile!(sourcePhase, path, origin.commitSha!),
          }
        : {}),
      ...(last
        ? {
            previous: {
              passed: last.passed,
              reason: last.reason,
              ...(last.failed ? { failed: true } : {}),
              ...(last.metrics ? { metrics: last.metrics } : {}),
              since: new Date(last.since),
            },
          }
        : {}),
    };
    let answer: GluGateResult;
    try {
      answer = await withinDeadline(
        gate.evaluate(observedGateOptions(check.config).config, context),
        timeoutMillis,
      );
    } catch (error) {
      answer = { passed: false, reason: gateError(type, error) };
    }
    const now = new Date().toISOString();
    const passed = Boolean(answer.passed);
    const metrics = keptMetrics(answer.metrics);
    return {
      pipelineRef: pipeline.ref,
      gateKey: key,
      phase: from,
      digest: origin.digest,
      passed,
      failed: !passed && Boolean(answer.failed),
      reason: String(answer.reason),
      since: last && last.passed === passed ? last.since : now,
      checkedAt: now,
      ...(metrics ? { metrics } : {}),
    };
  }

  /**
   * Rolls back the upstream phases that a gate with `rollback: true` found
   * broken, once per phase: only a version that Glu promoted there (not one
   * a person committed, nor a rollback), only when the phase is not pinned,
   * to the last version it held before, pinned there with the reason.
   */
  private async rollBackBroken(answered: Answered[]): Promise<string[]> {
    const { store, writer, logger } = this.deps;
    const done = new Set<string>();
    const rolledBack: string[] = [];
    for (const { check, answer } of answered) {
      if (!answer.failed) continue;
      if (!observedGateOptions(check.config).rollback) continue;
      const phaseKey = `${answer.pipelineRef}\n${answer.phase}`;
      if (done.has(phaseKey)) continue;
      done.add(phaseKey);
      const { snapshot } = check;
      const current = snapshot.states.get(answer.phase)?.current;
      if (
        !current ||
        current.cause !== 'promotion' ||
        snapshot.pins.has(answer.phase) ||
        !this.writable(snapshot.pipeline, answer.phase)
      ) {
        continue;
      }
      const history = await store.phases.listHistory(
        answer.pipelineRef,
        answer.phase,
        {
          limit: 50,
        },
      );
      const before = history.items.find(e => e.digest !== current.digest);
      if (!before) continue;
      try {
        const record = await writer.rollback({
          pipelineRef: answer.pipelineRef,
          phase: answer.phase,
          historyId: before.id,
          pinReason: `Rolled back automatically from ${current.version}: ${check.type}: ${answer.reason}`,
          triggeredBy: GLU_AUTO_ROLLBACK_ACTOR,
          trigger: 'auto',
          reason: `${check.type}: ${answer.reason}`,
        });
        logger.info(
          `Rolled ${answer.pipelineRef} ${answer.phase} back from ${current.version} to ${before.version}: ${check.type}: ${answer.reason}`,
        );
        rolledBack.push(answer.pipelineRef);
        if (record.status !== 'failed') {
          await this.deps.notifier?.rolledBack(
            snapshot.pipeline,
            record,
            `${check.type}: ${answer.reason}`,
          );
        }
      } catch (error) {
        logger.warn(
          `Could not roll ${answer.pipelineRef} ${answer.phase} back from ${
            current.version
          }: ${errorMessage(error)}`,
        );
      }
    }
    return rolledBack;
  }

  private writable(pipeline: PipelineDefinition, phase: string): boolean {
    const definition = pipeline.phases.find(p => p.name === phase);
    return Boolean(definition && this.deps.sources.writable(definition));
  }
}
