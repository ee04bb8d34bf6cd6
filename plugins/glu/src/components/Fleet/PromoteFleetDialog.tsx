import { useApi } from '@backstage/core-plugin-api';
import {
  FleetDiffItem,
  FleetPromotionResult,
} from '@glu-dev/plugin-glu-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { FLEET_PROMOTIONS_PER_REQUEST } from './fleetData';
import { cellVersion } from './fleetText';

/** What a fleet promotion did, in a sentence: `2 promoted, 1 refused`. */
export function promotionSummary(results: FleetPromotionResult[]): string {
  const refused = results.filter(r => r.error).length;
  const failed = results.filter(r => r.promotion?.status === 'failed').length;
  const promoted = results.length - refused - failed;
  return [
    `${promoted} promoted`,
    ...(failed ? [`${failed} failed`] : []),
    ...(refused ? [`${refused} refused`] : []),
  ].join(', ');
}

/** The outcome of a fleet promotion, for the dialog and the page. */
export function PromotionSummary(props: { results: FleetPromotionResult[] }) {
  const { results } = props;
  const bad = results.some(r => r.error || r.promotion?.status === 'failed');
  return (
    <Alert
      severity={bad ? 'warning' : 'success'}
      data-testid="fleet-promotion-summary"
    >
      {promotionSummary(results)}.
    </Alert>
  );
}

/**
 * Confirms the promotion of the selected pipelines from one environment to
 * another, then asks for all of them (a hundred a request); each goes
 * through its own gates and permissions.
 */
export function PromoteFleetDialog(props: {
  from: string;
  to: string;
  items: FleetDiffItem[];
  onPromoted: (results: FleetPromotionResult[]) => void;
  onClose: () => void;
}) {
  const { from, to, items, onPromoted, onClose } = props;
  const gluApi = useApi(gluApiRef);
  const onConfirm = useCallback(async () => {
    const requests = items.map(item => ({
      pipeline: item.pipeline.ref,
      phase: item.to.phase,
      from: item.from.phase,
    }));
    const results: FleetPromotionResult[] = [];
    for (let i = 0; i < requests.length; i += FLEET_PROMOTIONS_PER_REQUEST) {
      const answer = await gluApi.promoteFleet(
        requests.slice(i, i + FLEET_PROMOTIONS_PER_REQUEST),
      );
      results.push(...answer.items);
    }
    onPromoted(results);
    return <PromotionSummary results={results} />;
  }, [gluApi, items, onPromoted]);

  const count = `${items.length} ${
    items.length === 1 ? 'pipeline' : 'pipelines'
  }`;
  return (
    <ActionDialog
      title={`Promote ${count} from ${from} to ${to}`}
      confirmLabel={`Promote ${count}`}
      errorTitle="The promotion failed"
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        Each goes through its own pipeline&apos;s gates and permissions, as if
        promoted on its own; one refused does not stop the others.
      </Typography>
      <List dense aria-label="Pipelines to promote">
        {items.map(item => (
          <ListItem key={item.pipeline.ref} disableGutters>
            <ListItemText
              primary={item.pipeline.title ?? item.pipeline.name}
              secondary={`${cellVersion(item.from) ?? '—'} → ${to} (holds ${
                cellVersion(item.to) ?? 'nothing'
              })`}
            />
          </ListItem>
        ))}
      </List>
    </ActionDialog>
  );
}
