import { createApiRef } from '@backstage/frontend-plugin-api';
import { GLU_PLUGIN_ID, GluClient } from '@glu-dev/plugin-glu-common';

/**
 * The Glu HTTP API as the frontend sees it.
 *
 * @public
 */
export type GluApi = Pick<
  GluClient,
  | 'getHealth'
  | 'listCatalogRefusals'
  | 'listPipelines'
  | 'getPipeline'
  | 'refreshPipeline'
  | 'listHistory'
  | 'diffHistory'
  | 'listPromotions'
  | 'getPromotion'
  | 'promote'
  | 'dryRunPromotion'
  | 'rollback'
  | 'dryRunRollback'
  | 'pinPhase'
  | 'unpinPhase'
  | 'approve'
  | 'getPipelineDora'
  | 'getOwnerDora'
  | 'getFleet'
  | 'diffFleet'
  | 'promoteFleet'
  | 'listFreezes'
  | 'setFreeze'
  | 'liftFreeze'
  | 'listQuarantines'
  | 'quarantine'
  | 'liftQuarantine'
  | 'requestPromotion'
  | 'listPromotionRequests'
  | 'withdrawPromotionRequest'
>;

/**
 * Reference to the Glu API, provided by both the legacy and the new plugin.
 *
 * @public
 */
export const gluApiRef = createApiRef<GluApi>().with({
  id: 'plugin.glu.service',
  pluginId: GLU_PLUGIN_ID,
});
