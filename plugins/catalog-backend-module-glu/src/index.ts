/**
 * The catalog module of Glu for Backstage: the `Pipeline` entity kind.
 *
 * @packageDocumentation
 */
export { catalogModuleGlu as default } from './module';
export { PipelineEntityProcessor } from './PipelineEntityProcessor';
