import { Content } from '@backstage/core-components';
import { GluPipelinesContent } from './GluPipelinesContent';

/** The pipelines page's content, under the header the new frontend system gives pages. */
export function GluPipelinesPage() {
  return (
    <Content>
      <GluPipelinesContent />
    </Content>
  );
}
