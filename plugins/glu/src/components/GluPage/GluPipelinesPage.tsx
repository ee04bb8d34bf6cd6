import { Content } from '@backstage/core-components';
import { GluPipelinesViews } from './GluPipelinesViews';

/** The pipelines page's content, under the header the new frontend system gives pages. */
export function GluPipelinesPage() {
  return (
    <Content>
      <GluPipelinesViews />
    </Content>
  );
}
