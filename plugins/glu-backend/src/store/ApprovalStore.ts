import { Knex } from 'knex';
import { UnitOfWork } from './UnitOfWork';

/** Approvals of versions for phases. */
export interface ApprovalStore {
  addApproval(input: {
    pipelineRef: string;
    phase: string;
    digest: string;
    approver: string;
  }): Promise<void>;
  /** Who approved a version for a phase. */
  approvers(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<string[]>;
}

/** Approvals in `glu_approvals`. */
export class KnexApprovalStore implements ApprovalStore {
  constructor(private readonly db: Knex, private readonly unit: UnitOfWork) {}

  async addApproval(input: {
    pipelineRef: string;
    phase: string;
    digest: string;
    approver: string;
  }): Promise<void> {
    await this.unit.change([input.pipelineRef], tx =>
      tx('glu_approvals')
        .insert({
          pipeline_ref: input.pipelineRef,
          phase: input.phase,
          digest: input.digest,
          approver: input.approver,
          approved_at: new Date(),
        })
        .onConflict(['pipeline_ref', 'phase', 'digest', 'approver'])
        .ignore(),
    );
  }

  /** Who approved a version for a phase. */
  async approvers(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<string[]> {
    const rows = await this.db('glu_approvals')
      .where({ pipeline_ref: pipelineRef, phase, digest })
      .orderBy('approver')
      .select('approver');
    return rows.map(r => r.approver);
  }
}
