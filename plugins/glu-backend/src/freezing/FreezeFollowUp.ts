import { LoggerService } from '@backstage/backend-plugin-api';
import { FreezeScope, PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { GluStore } from '../store/GluStore';
import { Freezes } from './Freezes';
import { coveredPhases } from './scope';

/** A freeze as far as following it up goes: what it covered. */
interface Covering {
  id: string;
  scope: FreezeScope;
}

/**
 * What follows a freeze's start and end. Its start is shown at once (a
 * signal for the pipelines it covers); at its end, the automatic promotions
 * that waited go on, pipeline after pipeline in the order their waiting
 * versions arrived. A freeze lifted through the API is followed up by the
 * replica that lifted it; one that ends by itself (its end, its
 * recurrence) by whichever replica looks next (`look`, on the scheduler).
 */
export class FreezeFollowUp {
  /** The freezes active at the last look, on this replica. */
  private seen?: Map<string, Covering>;

  constructor(
    private readonly deps: {
      freezes: Freezes;
      store: Pick<GluStore, 'pipelines'>;
      decisions: EdgeDecisions;
      changes: PipelineChanges;
      logger: LoggerService;
    },
  ) {}

  /**
   * Compares the active freezes with the last look's and follows up those
   * that started or ended. The first look of a replica only takes note.
   */
  async look(): Promise<void> {
    const { active } = await this.deps.freezes.current();
    const now = new Map(active.map(f => [f.id, f]));
    const before = this.seen;
    this.seen = now;
    if (!before) return;
    const ended = [...before.values()].filter(f => !now.has(f.id));
    const started = active.filter(f => !before.has(f.id));
    if (started.length > 0) await this.started(started);
    if (ended.length > 0) await this.ended(ended);
  }

  /** Follows up freezes that started or ended, without making the caller wait. */
  inBackground(what: 'started' | 'ended', freezes: Covering[]): void {
    this[what](freezes).catch(error =>
      this.deps.logger.warn(
        `Following up the freezes ${freezes
          .map(f => f.id)
          .join(', ')} that ${what} failed: ${error}`,
      ),
    );
  }

  /** The pipelines that some freezes cover. */
  private async covered(freezes: Covering[]): Promise<PipelineDefinition[]> {
    const covered: PipelineDefinition[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.pipelines.listPipelines({
        limit: 500,
        cursor,
      });
      for (const { definition } of page.items) {
        if (freezes.some(f => coveredPhases(f.scope, definition).length)) {
          covered.push(definition);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    return covered;
  }

  /** Tells the portal of the pipelines that freezes now hold. */
  async started(freezes: Covering[]): Promise<void> {
    const pipelines = await this.covered(freezes);
    this.deps.changes.signal(pipelines.map(p => p.ref));
  }

  /**
   * Resumes what the freezes held: the pipelines they covered, those whose
   * waiting version arrived first first.
   */
  async ended(freezes: Covering[]): Promise<void> {
    const pipelines = await this.covered(freezes);
    if (pipelines.length === 0) return;
    const snapshots = await this.deps.decisions.snapshots(pipelines);
    const arrival = (index: number): number => {
      const { pipeline, states } = snapshots[index];
      const phases = new Set(
        freezes.flatMap(f => coveredPhases(f.scope, pipeline)),
      );
      const times = pipeline.phases
        .filter(p => phases.has(p.name))
        .flatMap(p => p.edges)
        .map(edge => {
          const upstream = states.get(edge.from);
          return Date.parse(
            upstream?.heldSince ?? upstream?.current?.observedAt ?? '',
          );
        })
        .filter(time => !Number.isNaN(time));
      return times.length ? Math.min(...times) : Number.MAX_SAFE_INTEGER;
    };
    const order = pipelines
      .map((pipeline, index) => ({ ref: pipeline.ref, at: arrival(index) }))
      .sort((a, b) => a.at - b.at)
      .map(p => p.ref);
    this.deps.logger.info(
      `Freezes ${freezes.map(f => f.id).join(', ')} ended: following up ${
        order.length
      } pipeline(s)`,
    );
    await this.deps.changes.changed(order);
  }
}
