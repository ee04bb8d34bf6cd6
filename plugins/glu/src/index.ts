/**
 * The Glu frontend plugin for Backstage (legacy frontend system; the new
 * frontend system is served from `/alpha`).
 *
 * @packageDocumentation
 */
export {
  gluPlugin,
  EntityGluContent,
  EntityGluDoraCard,
  EntityGluFleetCard,
  GluPage,
} from './plugin';
export {
  isDoraAvailable,
  isFleetAvailable,
  isGluAvailable,
} from './conditions';
export { gluApiRef } from './api';
export type { GluApi } from './api';
