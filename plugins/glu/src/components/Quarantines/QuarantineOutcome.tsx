import { Quarantine } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { phaseLabel, quarantinedLabel, rollbackLabel } from './quarantineText';

const listStyle = { margin: 0, paddingLeft: 16 };

/**
 * What came of a quarantine: that it is set, the phases that hold the
 * version now, and, with a rollback, what became of each of them.
 */
export function QuarantineOutcome(props: {
  quarantine: Quarantine;
  /** The pipeline it was set from: its phases are named without it. */
  pipelineRef?: string;
}) {
  const { quarantine, pipelineRef } = props;
  const rollbacks = quarantine.rollbacks ?? [];
  const failed = rollbacks.some(r => !rollbackLabel(r).ok);
  return (
    <Box data-testid="quarantine-outcome">
      <Alert severity="success">
        <AlertTitle>
          Quarantine {quarantine.id} is set: nothing promotes{' '}
          {quarantinedLabel(quarantine)} again
          {quarantine.pipelineRef ? '' : ' in any pipeline'}.
        </AlertTitle>
        {quarantine.holding.length === 0 ? (
          'No phase holds it now.'
        ) : (
          <>
            Held now by:
            <ul style={listStyle} aria-label="Phases that hold it">
              {quarantine.holding.map(at => (
                <li key={`${at.pipelineRef} ${at.phase}`}>
                  {phaseLabel(at, pipelineRef)} ({at.version})
                </li>
              ))}
            </ul>
          </>
        )}
        {quarantine.holding.length > 0 &&
          !quarantine.rollback &&
          ' They keep it until someone rolls them back.'}
      </Alert>
      {rollbacks.length > 0 && (
        <Box mt={1}>
          <Alert severity={failed ? 'warning' : 'info'}>
            <AlertTitle>Rollbacks</AlertTitle>
            <ul style={listStyle} aria-label="Rollbacks">
              {rollbacks.map(rollback => (
                <li key={`${rollback.pipelineRef} ${rollback.phase}`}>
                  {phaseLabel(rollback, pipelineRef)}:{' '}
                  {rollbackLabel(rollback).text}
                </li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
    </Box>
  );
}
