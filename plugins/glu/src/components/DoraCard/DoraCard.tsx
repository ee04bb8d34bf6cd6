import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { DoraFigures } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import { gluApiRef } from '../../api';
import { durationLabel } from './doraText';
import { EnvironmentLagList } from './EnvironmentLagList';

/** The periods one can pick, in days. */
export const DORA_PERIODS = [7, 30, 90];

export { durationLabel };

/** The change failure rate in words: `25%`, `–` without deployments. */
export function rateLabel(figures: DoraFigures): string {
  return figures.changeFailureRate === undefined
    ? '–'
    : `${Math.round(figures.changeFailureRate * 100)}%`;
}

/** `, 1 hotfix`: the deployments that went through a freeze, if any. */
export function hotfixesLabel(figures: DoraFigures): string {
  if (!figures.hotfixes) return '';
  return `, ${figures.hotfixes} ${
    figures.hotfixes === 1 ? 'hotfix' : 'hotfixes'
  }`;
}

function Figure(props: { label: string; value: string; detail: string }) {
  return (
    <Box flex="1 1 0" minWidth={120} role="group" aria-label={props.label}>
      <Typography variant="overline" color="textSecondary">
        {props.label}
      </Typography>
      <Typography variant="h5">{props.value}</Typography>
      <Typography variant="caption" color="textSecondary">
        {props.detail}
      </Typography>
    </Box>
  );
}

/** The four figures, and the period's deployments and failures by day. */
export function DoraFiguresView(props: { figures: DoraFigures }) {
  const { figures } = props;
  const theme = useTheme();
  return (
    <>
      <Box display="flex" flexWrap="wrap" style={{ gap: theme.spacing(2) }}>
        <Figure
          label="Deployment frequency"
          value={`${figures.deploymentsPerWeek}/week`}
          detail={`${figures.deployments} ${
            figures.deployments === 1 ? 'deployment' : 'deployments'
          }${hotfixesLabel(figures)}`}
        />
        <Figure
          label="Lead time for changes"
          value={durationLabel(figures.medianLeadTimeSeconds)}
          detail="median, first phase to production"
        />
        <Figure
          label="Change failure rate"
          value={rateLabel(figures)}
          detail={`${figures.failedDeployments} failed`}
        />
        <Figure
          label="Time to restore"
          value={durationLabel(figures.medianTimeToRestoreSeconds)}
          detail="median, to the rollback or fix"
        />
      </Box>
      <Box height={96} mt={2} aria-label="Deployments and failures by day">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={figures.days} barGap={0}>
            <XAxis
              dataKey="date"
              tick={{ fill: theme.palette.text.secondary, fontSize: 10 }}
              tickFormatter={(date: string) => date.slice(5)}
              stroke={theme.palette.divider}
              minTickGap={24}
            />
            <Tooltip
              contentStyle={{
                background: theme.palette.background.paper,
                border: `1px solid ${theme.palette.divider}`,
                color: theme.palette.text.primary,
              }}
            />
            <Bar
              dataKey="deployments"
              name="deployments"
              fill={theme.palette.primary.main}
              isAnimationActive={false}
            />
            <Bar
              dataKey="failures"
              name="failed"
              fill={theme.palette.error.main}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </Box>
    </>
  );
}

/**
 * DORA figures over a period: of one pipeline (`pipelineRef`), or of every
 * pipeline some owners own (`ownerRef`, one or several, with each
 * pipeline's figures).
 */
export function DoraCard(props: {
  pipelineRef?: string;
  ownerRef?: string | string[];
}) {
  const { pipelineRef } = props;
  // One key for the owners, so that a new array of the same is no new ask.
  const owners = JSON.stringify([props.ownerRef ?? []].flat());
  const gluApi = useApi(gluApiRef);
  const [days, setDays] = useState(30);
  const { value, loading, error } = useAsync(async () => {
    const to = new Date();
    const period = { from: new Date(to.getTime() - days * 86_400_000), to };
    if (pipelineRef) {
      const dora = await gluApi.getPipelineDora(pipelineRef, period);
      return { figures: dora.figures, production: dora.production };
    }
    const dora = await gluApi.getOwnerDora(JSON.parse(owners), period);
    return {
      figures: dora.figures,
      pipelines: dora.pipelines,
      lag: dora.lag,
    };
  }, [gluApi, pipelineRef, owners, days]);

  const picker = (
    <Select
      value={days}
      onChange={event => setDays(Number(event.target.value))}
      inputProps={{ 'aria-label': 'Period' }}
    >
      {DORA_PERIODS.map(n => (
        <MenuItem key={n} value={n}>
          Last {n} days
        </MenuItem>
      ))}
    </Select>
  );

  let content;
  if (loading && !value) content = <Progress />;
  else if (error) content = <ResponseErrorPanel error={error} />;
  else if (value) {
    content = (
      <>
        {value.figures.deployments === 0 ? (
          <Typography color="textSecondary" paragraph>
            No deployments in the last {days} days
            {value.production
              ? ` (production: ${value.production.join(', ')})`
              : ''}
            .
          </Typography>
        ) : null}
        <DoraFiguresView figures={value.figures} />
        {value.lag && <EnvironmentLagList lag={value.lag} />}
        {value.pipelines?.length ? (
          <Table size="small" aria-label="DORA by pipeline">
            <TableHead>
              <TableRow>
                <TableCell>Pipeline</TableCell>
                <TableCell align="right">Deployments</TableCell>
                <TableCell align="right">Lead time</TableCell>
                <TableCell align="right">Failure rate</TableCell>
                <TableCell align="right">Restore</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.pipelines.map(item => (
                <TableRow key={item.pipelineRef}>
                  <TableCell>
                    <EntityRefLink
                      entityRef={item.pipelineRef}
                      title={item.title}
                    />
                  </TableCell>
                  <TableCell align="right">
                    {item.figures.deployments}
                  </TableCell>
                  <TableCell align="right">
                    {durationLabel(item.figures.medianLeadTimeSeconds)}
                  </TableCell>
                  <TableCell align="right">{rateLabel(item.figures)}</TableCell>
                  <TableCell align="right">
                    {durationLabel(item.figures.medianTimeToRestoreSeconds)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </>
    );
  }
  return (
    <InfoCard title="DORA" subheader="From Glu's history" action={picker}>
      {content}
    </InfoCard>
  );
}
