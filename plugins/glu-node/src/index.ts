/**
 * Extension points of the Glu backend and the interfaces that extensions
 * implement.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './gates';
export * from './extensions';
export * from './webhooks';
export * from './writeScopes';
export * from './pipelineValidation';
export * from './ownerRule';
export * from './deadlines';
export * from './owners';
export * from './limits';
export * from './httpAllow';
