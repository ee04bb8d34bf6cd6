import { Pin } from '@glu-dev/plugin-glu-common';
import { Knex } from 'knex';
import { iso } from './rows';
import { UnitOfWork } from './UnitOfWork';

/** Pins: phases held at a state, which automatic promotion leaves alone. */
export interface PinStore {
  getPins(pipelineRefs: string[]): Promise<(Pin & { pipelineRef: string })[]>;
  getPin(pipelineRef: string, phase: string): Promise<Pin | undefined>;
  setPin(pipelineRef: string, pin: Pin): Promise<void>;
  /** Removes a pin; true when there was one. */
  deletePin(pipelineRef: string, phase: string): Promise<boolean>;
}

/** Pins in `glu_pins`. */
export class KnexPinStore implements PinStore {
  constructor(private readonly db: Knex, private readonly unit: UnitOfWork) {}

  async getPins(
    pipelineRefs: string[],
  ): Promise<(Pin & { pipelineRef: string })[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_pins').whereIn(
      'pipeline_ref',
      pipelineRefs,
    );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      phase: row.phase,
      digest: row.digest,
      version: row.version,
      pinnedBy: row.pinned_by,
      reason: row.reason,
      pinnedAt: iso(row.pinned_at)!,
    }));
  }

  async getPin(pipelineRef: string, phase: string): Promise<Pin | undefined> {
    const [pin] = (await this.getPins([pipelineRef])).filter(
      p => p.phase === phase,
    );
    if (!pin) return undefined;
    const { pipelineRef: _ref, ...rest } = pin;
    return rest;
  }

  async setPin(pipelineRef: string, pin: Pin): Promise<void> {
    await this.unit.change([pipelineRef], tx =>
      tx('glu_pins')
        .insert({
          pipeline_ref: pipelineRef,
          phase: pin.phase,
          digest: pin.digest,
          version: pin.version,
          pinned_by: pin.pinnedBy,
          reason: pin.reason,
          pinned_at: new Date(pin.pinnedAt),
        })
        .onConflict(['pipeline_ref', 'phase'])
        .merge(['digest', 'version', 'pinned_by', 'reason', 'pinned_at']),
    );
  }

  /** Removes a pin; true when there was one. */
  async deletePin(pipelineRef: string, phase: string): Promise<boolean> {
    return this.unit.changeSome([pipelineRef], async tx => {
      const deleted = await tx('glu_pins')
        .where({ pipeline_ref: pipelineRef, phase })
        .delete();
      return { result: deleted > 0, changed: deleted > 0 ? [pipelineRef] : [] };
    });
  }
}
