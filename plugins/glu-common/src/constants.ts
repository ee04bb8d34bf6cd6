/**
 * The `apiVersion` of Pipeline entities.
 *
 * @public
 */
export const GLU_API_VERSION = 'glu.dev/v1alpha1';

/**
 * The catalog kind of a pipeline.
 *
 * @public
 */
export const PIPELINE_KIND = 'Pipeline';

/**
 * Relation from a pipeline to a component that it delivers.
 *
 * @public
 */
export const RELATION_DELIVERS = 'delivers';

/**
 * Relation from a component to a pipeline that delivers it.
 *
 * @public
 */
export const RELATION_DELIVERED_BY = 'deliveredBy';

/**
 * The plugin id, shared by the backend (`/api/glu`) and the frontend.
 *
 * @public
 */
export const GLU_PLUGIN_ID = 'glu';

/**
 * The signal channel on which the backend says that pipelines changed
 * (message: {@link GluPipelineSignal}), and to which the portal listens.
 *
 * @public
 */
export const GLU_SIGNAL_CHANNEL = 'glu:pipelines';

/**
 * What the backend publishes on {@link GLU_SIGNAL_CHANNEL}: the pipelines
 * that changed, at most {@link GLU_SIGNAL_BATCH} in one message.
 *
 * @public
 */
export type GluPipelineSignal = { pipelineRefs: string[] };

/**
 * How many pipelines one signal names at most.
 *
 * @public
 */
export const GLU_SIGNAL_BATCH = 100;

/**
 * Who Glu's own rollbacks are triggered by: those it makes when a gate with
 * `rollback: true` finds the version it promoted broken.
 *
 * @public
 */
export const GLU_AUTO_ROLLBACK_ACTOR = 'glu:auto-rollback';
