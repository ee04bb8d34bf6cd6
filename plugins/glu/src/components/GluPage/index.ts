export { GluPage } from './GluPage';
export { GluPipelinesContent } from './GluPipelinesContent';
