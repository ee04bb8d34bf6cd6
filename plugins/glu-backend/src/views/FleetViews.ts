import { InputError } from '@backstage/errors';
import { FleetDiff, FleetPage } from '@glu-dev/plugin-glu-common';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { GluStore } from '../store/GluStore';
import { PipelineFilter } from '../store/PipelineStore';
import { Page } from '../store/types';
import {
  BEHIND_HISTORY,
  BehindAsk,
  diffItemOf,
  environmentsOf,
  FleetEntry,
  fleetEntryOf,
  fillBehind,
} from './fleetCells';
import { ViewCache } from './ViewCache';

/** Which pipelines a page of the fleet holds. */
export interface FleetQuery {
  /** Any of these owners. */
  owner?: string[];
  /** Part of any of these systems. */
  system?: string[];
  /** Only what this lets through (what the caller may read). */
  filter?: PipelineFilter;
  limit: number;
  cursor?: string;
}

/** Which of some pipelines the caller may read, when a filter cannot say. */
export type ReadableRefs = (refs: string[]) => Promise<string[]>;

/** What a view is kept by: its pipeline's revision, and the freezes' and quarantines' epoch. */
function keyOf(revision: string, epoch: string): string {
  return `${revision}/${epoch}`;
}

/**
 * The fleet: pipelines side by side, each phase under the environment it
 * stands for, from the store alone. Each pipeline's row is kept by its
 * revision and the freezes' and quarantines' epoch, as the list of
 * pipelines keeps its summaries: a page whose pipelines have not changed
 * asks the database for their revisions alone.
 */
export class FleetViews {
  private readonly kept: ViewCache<FleetEntry>;

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'pipelines' | 'figures'>;
      decisions: EdgeDecisions;
    },
  ) {
    this.kept = new ViewCache(deps.decisions.gates);
  }

  /** A page of rows, of the pipelines that `readable` (if given) lets through. */
  async entries(
    query: FleetQuery,
    readable?: ReadableRefs,
  ): Promise<Page<FleetEntry>> {
    const { store, decisions } = this.deps;
    const [page, epoch] = await Promise.all([
      store.pipelines.listPipelines(query),
      decisions.epoch(),
    ]);
    let items = page.items;
    if (readable && items.length > 0) {
      const may = new Set(await readable(items.map(i => i.definition.ref)));
      items = items.filter(i => may.has(i.definition.ref));
    }
    const entries: Array<FleetEntry | undefined> = items.map(item =>
      this.kept.get(item.definition.ref, keyOf(item.revision, epoch)),
    );
    const missing = items.filter((_, i) => !entries[i]);
    const snapshots = missing.length
      ? await decisions.snapshots(missing.map(item => item.definition))
      : [];
    const computed = new Map<string, FleetEntry>();
    const behind: BehindAsk[] = [];
    for (const snapshot of snapshots) {
      const made = fleetEntryOf(snapshot, await decisions.decideAll(snapshot));
      computed.set(snapshot.pipeline.ref, made.entry);
      behind.push(...made.behind);
    }
    // The upstreams' history of every waiting phase of the page, at once.
    if (behind.length > 0) {
      const upstreams = new Map(
        behind.map(b => [
          `${b.pipelineRef}\n${b.from}`,
          { pipelineRef: b.pipelineRef, phase: b.from },
        ]),
      );
      fillBehind(
        behind,
        await store.figures.recentHistory(
          [...upstreams.values()],
          BEHIND_HISTORY,
        ),
      );
    }
    for (const [i, snapshot] of snapshots.entries()) {
      this.kept.keep(
        snapshot.pipeline,
        keyOf(missing[i].revision, snapshot.epoch),
        computed.get(snapshot.pipeline.ref)!,
      );
    }
    return {
      nextCursor: page.nextCursor,
      items: items.map(
        (item, i) => entries[i] ?? computed.get(item.definition.ref)!,
      ),
    };
  }

  /** A page of the fleet, with its environments, upstream first. */
  async getFleet(
    query: FleetQuery,
    readable?: ReadableRefs,
  ): Promise<FleetPage> {
    const page = await this.entries(query, readable);
    return {
      environments: environmentsOf(page.items),
      items: page.items.map(e => e.row),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  /**
   * The rows of a page of the fleet that have both environments and whose
   * `to` does not hold what `from` holds.
   */
  async diffFleet(
    environments: { from: string; to: string },
    query: FleetQuery,
    readable?: ReadableRefs,
  ): Promise<FleetDiff> {
    const { from, to } = environments;
    if (from === to) {
      throw new InputError(`Compare two environments, not ${from} with itself`);
    }
    const page = await this.entries(query, readable);
    const items = page.items.flatMap(entry => {
      const ahead = entry.row.cells.find(c => c.environment === from);
      const behind = entry.row.cells.find(c => c.environment === to);
      if (!ahead?.digest || !behind || behind.digest === ahead.digest) {
        return [];
      }
      // What the edge between them would bring, the phase holds already.
      const direct = entry.edges.find(
        e => e.from === ahead.phase && e.to === behind.phase,
      );
      if (direct?.status === 'up-to-date') return [];
      return [diffItemOf(entry, ahead, behind)];
    });
    return {
      from,
      to,
      items,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
}
