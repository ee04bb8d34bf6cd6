/**
 * The scaffolder module of Glu for Backstage: the `glu:pipeline:create`
 * action, for templates that add a pipeline to a component.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGlu as default } from './module';
export { createGluPipelineAction } from './createPipelineAction';
