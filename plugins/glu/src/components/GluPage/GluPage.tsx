import { Content, Header, Page } from '@backstage/core-components';
import { GluPipelinesViews } from './GluPipelinesViews';

/** The pipelines page with its own header, for apps on the legacy frontend system. */
export function GluPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Glu"
        subtitle="Deployment pipelines: every phase's version, and what is waiting to be promoted"
      />
      <Content>
        <GluPipelinesViews />
      </Content>
    </Page>
  );
}
