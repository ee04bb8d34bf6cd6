export { GateMetricChart } from './GateMetricChart';
export { GateMetrics } from './GateMetrics';
