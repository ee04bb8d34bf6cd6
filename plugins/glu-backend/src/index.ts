/**
 * The Glu backend plugin for Backstage.
 *
 * @packageDocumentation
 */
export { gluPlugin as default } from './plugin';
