import { argocdDriver } from '../__testUtils__/gateDrivers';
import { describeGateScenarios } from '../__testUtils__/gateScenarios';

describeGateScenarios('argocd', argocdDriver);
