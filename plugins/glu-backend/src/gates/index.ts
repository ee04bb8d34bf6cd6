import { GluGate } from '@glu-dev/plugin-glu-node';
import { approvalsGate } from './approvals';
import { checksGate } from './checks';
import { soakGate } from './soak';
import { windowGate } from './window';

/** The gates that Glu provides, registered like anyone else's. */
export const builtInGates: GluGate[] = [
  approvalsGate,
  checksGate,
  soakGate,
  windowGate,
];
