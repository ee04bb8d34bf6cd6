export { DoraCard } from './DoraCard';
export { EntityDoraCard } from './EntityDoraCard';
