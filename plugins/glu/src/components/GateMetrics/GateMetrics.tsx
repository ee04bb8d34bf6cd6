import { GateMetric } from '@glu-dev/plugin-glu-common';
import { GateMetricChart } from './GateMetricChart';

/**
 * The metrics a gate measures (`prometheus`, `analysis`), a chart each;
 * nothing for a gate that measures none.
 */
export function GateMetrics(props: { type: string; metrics?: GateMetric[] }) {
  if (!props.metrics?.length) return null;
  return (
    <div role="group" aria-label={`Metrics of the ${props.type} gate`}>
      {props.metrics.map((metric, i) => (
        <GateMetricChart key={`${metric.name}-${i}`} metric={metric} />
      ))}
    </div>
  );
}
