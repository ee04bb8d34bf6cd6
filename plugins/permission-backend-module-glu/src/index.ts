/**
 * A permission policy for Glu for Backstage in one line: the owners of a
 * pipeline may change it.
 *
 * @packageDocumentation
 */
export { permissionModuleGluOwnerPolicy as default } from './module';
export { GluOwnerPolicy } from './GluOwnerPolicy';
