import { prometheusDriver } from '../__testUtils__/gateDrivers';
import { describeGateScenarios } from '../__testUtils__/gateScenarios';

describeGateScenarios('prometheus', prometheusDriver);
