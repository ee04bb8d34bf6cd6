export { EntityGluContent } from './EntityGluContent';
