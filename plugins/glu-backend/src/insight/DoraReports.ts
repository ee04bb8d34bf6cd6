import {
  OwnerDora,
  PipelineDefinition,
  PipelineDora,
} from '@glu-dev/plugin-glu-common';
import { GluStore } from '../store/GluStore';
import { quarantines, Quarantines } from '../quarantine/Quarantines';
import {
  DoraDeployment,
  deploymentsOf,
  doraFigures,
  DoraPeriod,
  doraSettingsOf,
} from './dora';
import { environmentLag } from './lag';

/** At most this many deployments are listed in a pipeline's report. */
const LISTED_DEPLOYMENTS = 200;

/**
 * DORA figures from the store: every state each phase was in is there, with
 * when and by what, so deployments, lead times, failures and restores are
 * counted from history alone (no Git, no registry).
 */
export class DoraReports {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'figures'>;
      /** A quarantine of a version that reached production is a change failure. */
      quarantines: Quarantines;
    },
  ) {}

  /** The deployments of a pipeline's production phases in a period. */
  private async deployments(
    pipeline: PipelineDefinition,
    period: DoraPeriod,
  ): Promise<{ deployments: DoraDeployment[]; production: string[] }> {
    const { store } = this.deps;
    const settings = doraSettingsOf(pipeline);
    const production = await store.figures.historyAround(
      pipeline.ref,
      settings.production,
      period.from,
      // A deployment near the end fails by what follows it.
      new Date(period.to.getTime() + settings.failureWindowMillis),
    );
    const [origins, { active }] = await Promise.all([
      store.figures.firstHeld(
        pipeline.ref,
        settings.firstPhases,
        production.flatMap(p => p.entries),
      ),
      this.deps.quarantines.current(),
    ]);
    return {
      production: settings.production,
      deployments: deploymentsOf({
        period,
        production,
        origins,
        failureWindowMillis: settings.failureWindowMillis,
        fix: settings.fix,
        quarantinedAt: version =>
          active.find(q => quarantines(q, pipeline.ref, version))
            ?.quarantinedAt,
      }),
    };
  }

  async ofPipeline(
    pipeline: PipelineDefinition,
    period: DoraPeriod,
  ): Promise<PipelineDora> {
    const { deployments, production } = await this.deployments(
      pipeline,
      period,
    );
    return {
      pipelineRef: pipeline.ref,
      ...(pipeline.title ? { title: pipeline.title } : {}),
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      production,
      failureWindow: doraSettingsOf(pipeline).failureWindow,
      figures: doraFigures(deployments, period),
      deployments: deployments.slice(0, LISTED_DEPLOYMENTS),
    };
  }

  /** Pipelines' figures, together (as one team's) and one by one. */
  async ofPipelines(
    owner: string[],
    pipelines: PipelineDefinition[],
    period: DoraPeriod,
  ): Promise<OwnerDora> {
    const [each, lag] = await Promise.all([
      Promise.all(
        pipelines.map(async pipeline => ({
          pipeline,
          ...(await this.deployments(pipeline, period)),
        })),
      ),
      environmentLag(this.deps.store, pipelines, period),
    ]);
    return {
      owner,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      figures: doraFigures(
        each.flatMap(e => e.deployments),
        period,
      ),
      lag,
      pipelines: each.map(({ pipeline, production, deployments }) => ({
        pipelineRef: pipeline.ref,
        ...(pipeline.title ? { title: pipeline.title } : {}),
        production,
        figures: doraFigures(deployments, period),
      })),
    };
  }
}
