import { GateMeasurement, GateMetric } from '@glu-dev/plugin-glu-common';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Theme, makeStyles, useTheme } from '@material-ui/core/styles';
import useMeasure from 'react-use/esm/useMeasure';
import { absoluteTime } from '../format';
import {
  axisTime,
  compactValue,
  conditionThresholds,
  metricDescription,
  preciseValue,
  valueDomain,
  valueRuns,
} from './metricChart';

/** The chart's size: as wide as there is room for, up to `MAX_WIDTH`. */
const MAX_WIDTH = 320;
const MIN_WIDTH = 160;
const HEIGHT = 80;
const FONT_SIZE = 10;
/** The plot's margins: the value labels on the left, the times below. */
const TOP = 6;
const RIGHT = 6;
const BOTTOM = 16;
/** Room between the plot's edges and its outermost points. */
const INSET = 4;

const useStyles = makeStyles(theme => ({
  // As wide as its container lets it be: its drawing never widens it.
  root: {
    marginTop: theme.spacing(0.5),
    width: '100%',
    minWidth: 0,
    maxWidth: MAX_WIDTH,
  },
  header: { color: theme.palette.text.secondary, display: 'block' },
  name: { color: theme.palette.text.primary },
  dot: {
    display: 'inline-block',
    width: 8,
    height: 8,
    borderRadius: '50%',
    margin: theme.spacing(0, 0.5, 0, 1),
  },
  svg: { display: 'block', overflow: 'visible', width: '100%' },
  guide: { opacity: 0 },
  point: { transition: 'r 80ms' },
  measurement: {
    cursor: 'default',
    outline: 'none',
    '&:hover $guide': { opacity: 1 },
    '&:hover $point': { r: '4px' },
  },
}));

/** The colour of an outcome: success, error, warning for inconclusive. */
export function outcomeColor(
  theme: Theme,
  outcome: GateMeasurement['outcome'],
): string {
  switch (outcome) {
    case 'successful':
      return theme.palette.success.main;
    case 'inconclusive':
      return theme.palette.warning.main;
    default:
      return theme.palette.error.main;
  }
}

function MeasurementTip(props: { measurement: GateMeasurement }) {
  const { at, value, outcome, message } = props.measurement;
  return (
    <>
      <div>{absoluteTime(at)}</div>
      <div>
        {value === undefined ? 'no value' : preciseValue(value)}, {outcome}
      </div>
      {message && <div>{message}</div>}
    </>
  );
}

/**
 * One metric of a gate over the soak: its values over time as a line with
 * points coloured by outcome, a measurement without a value as a gap in the
 * line and a mark on the baseline, the condition's thresholds as dashed
 * lines when it is a simple comparison, and each measurement on hover.
 */
export function GateMetricChart(props: { metric: GateMetric }) {
  const { metric } = props;
  const classes = useStyles();
  const theme = useTheme();
  const [ref, { width: measured }] = useMeasure<HTMLDivElement>();
  const width = measured
    ? Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(measured)))
    : MAX_WIDTH;
  const { name, condition, measurements } = metric;
  const latest = measurements[measurements.length - 1];
  const description = metricDescription(metric);

  const header = (
    <Typography variant="caption" className={classes.header}>
      <strong className={classes.name}>{name}</strong>{' '}
      {latest ? (
        <>
          {latest.value === undefined ? 'no value' : compactValue(latest.value)}
          <span
            className={classes.dot}
            style={{ background: outcomeColor(theme, latest.outcome) }}
          />
          {latest.outcome}
        </>
      ) : (
        'no measurements yet'
      )}{' '}
      · condition <code>{condition}</code>
    </Typography>
  );
  if (!latest) {
    return (
      <div className={classes.root} data-testid="gate-metric">
        {header}
      </div>
    );
  }

  const thresholds = conditionThresholds(condition);
  const values = measurements.flatMap(m =>
    m.value === undefined || !Number.isFinite(m.value) ? [] : [m.value],
  );
  const [lo, hi] = valueDomain(values, thresholds);
  const hiLabel = compactValue(hi);
  const loLabel = compactValue(lo);
  const left = Math.max(hiLabel.length, loLabel.length) * FONT_SIZE * 0.6 + 8;
  const x0 = left;
  const x1 = width - RIGHT;
  const y0 = TOP;
  const y1 = HEIGHT - BOTTOM;

  // By time; by order should a time not parse, and then without times.
  const parsed = measurements.map(m => Date.parse(m.at));
  const dated = !parsed.some(Number.isNaN);
  const times = dated ? parsed : measurements.map((_, i) => i);
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const x = (t: number) =>
    tMax === tMin
      ? (x0 + x1) / 2
      : x0 + INSET + ((t - tMin) / (tMax - tMin)) * (x1 - x0 - 2 * INSET);
  const y = (v: number) =>
    y0 + INSET + ((hi - v) / (hi - lo)) * (y1 - y0 - 2 * INSET);

  const points = measurements.map((m, i) => ({
    measurement: m,
    value: m.value,
    x: x(times[i]),
  }));
  const line = valueRuns(points)
    .map(run =>
      run
        .map(
          (p, i) =>
            `${i ? 'L' : 'M'}${p.x.toFixed(1)},${y(p.value!).toFixed(1)}`,
        )
        .join(''),
    )
    .join('');
  const withDay = dated && tMax - tMin > 86_400_000;
  const text = {
    fill: theme.palette.text.secondary,
    fontSize: FONT_SIZE,
    fontFamily: theme.typography.fontFamily,
  };

  return (
    <div className={classes.root} data-testid="gate-metric" ref={ref}>
      {header}
      <svg
        className={classes.svg}
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={description}
      >
        <title>{description}</title>
        <path
          d={`M${x0},${y0}V${y1}H${x1}`}
          fill="none"
          stroke={theme.palette.divider}
        />
        <text {...text} x={x0 - 4} y={y0 + FONT_SIZE - 2} textAnchor="end">
          {hiLabel}
        </text>
        <text {...text} x={x0 - 4} y={y1} textAnchor="end">
          {loLabel}
        </text>
        {dated && (
          <text {...text} x={x0} y={HEIGHT - 3} textAnchor="start">
            {axisTime(tMin, withDay)}
          </text>
        )}
        {dated && tMax !== tMin && (
          <text {...text} x={x1} y={HEIGHT - 3} textAnchor="end">
            {axisTime(tMax, withDay)}
          </text>
        )}
        {thresholds.map(threshold => (
          <line
            key={threshold}
            data-testid="gate-metric-threshold"
            x1={x0}
            x2={x1}
            y1={y(threshold)}
            y2={y(threshold)}
            stroke={theme.palette.text.secondary}
            strokeDasharray="4 3"
            strokeOpacity={0.8}
          />
        ))}
        <path
          data-testid="gate-metric-line"
          d={line}
          fill="none"
          stroke={theme.palette.text.secondary}
          strokeWidth={1.5}
          strokeLinejoin="round"
        />
        {points.map((p, i) => {
          // Each measurement answers hover across its share of the plot.
          const from = i ? (points[i - 1].x + p.x) / 2 : x0;
          const to = i < points.length - 1 ? (p.x + points[i + 1].x) / 2 : x1;
          const color = outcomeColor(theme, p.measurement.outcome);
          return (
            <Tooltip
              key={i}
              arrow
              placement="top"
              title={<MeasurementTip measurement={p.measurement} />}
            >
              <g className={classes.measurement}>
                <rect
                  x={from}
                  y={y0}
                  width={Math.max(to - from, 2)}
                  height={y1 - y0}
                  fill="transparent"
                />
                <line
                  className={classes.guide}
                  x1={p.x}
                  x2={p.x}
                  y1={y0}
                  y2={y1}
                  stroke={theme.palette.divider}
                />
                {p.value === undefined ? (
                  <path
                    data-testid="gate-metric-gap"
                    data-outcome={p.measurement.outcome}
                    d={`M${p.x - 3},${y1 - 6}l6,6m0,-6l-6,6`}
                    stroke={color}
                    strokeWidth={1.5}
                  />
                ) : (
                  <circle
                    className={classes.point}
                    data-testid="gate-metric-point"
                    data-outcome={p.measurement.outcome}
                    cx={p.x}
                    cy={y(p.value)}
                    r={2.5}
                    fill={color}
                    stroke={theme.palette.background.paper}
                    strokeWidth={0.75}
                  />
                )}
              </g>
            </Tooltip>
          );
        })}
      </svg>
    </div>
  );
}
