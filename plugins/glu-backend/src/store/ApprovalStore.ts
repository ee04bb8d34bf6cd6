import { Knex } from 'knex';
import { UnitOfWork } from './UnitOfWork';
import { iso } from './rows';
import { GivenApproval } from '../gates/approvalStatus';

/** Approvals of versions for phases. */
export interface ApprovalStore {
  addApproval(input: {
    pipelineRef: string;
    phase: string;
    digest: string;
    approver: string;
    /** The approver's groups when approving (full refs, lower case). */
    groups?: string[];
    email?: string;
  }): Promise<void>;
  /** The approvals of a version for a phase, in full, oldest first. */
  approvals(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<GivenApproval[]>;
}

/** Approvals in `glu_approvals`. */
export class KnexApprovalStore implements ApprovalStore {
  constructor(private readonly db: Knex, private readonly unit: UnitOfWork) {}

  async addApproval(input: {
    pipelineRef: string;
    phase: string;
    digest: string;
    approver: string;
    groups?: string[];
    email?: string;
  }): Promise<void> {
    await this.unit.change([input.pipelineRef], tx =>
      tx('glu_approvals')
        .insert({
          pipeline_ref: input.pipelineRef,
          phase: input.phase,
          digest: input.digest,
          approver: input.approver,
          approved_at: new Date(),
          groups: JSON.stringify(input.groups ?? []),
          email: input.email ?? null,
        })
        .onConflict(['pipeline_ref', 'phase', 'digest', 'approver'])
        .ignore(),
    );
  }

  async approvals(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<GivenApproval[]> {
    const rows = await this.db('glu_approvals')
      .where({ pipeline_ref: pipelineRef, phase, digest })
      .orderBy('approved_at');
    return rows.map(row => ({
      approver: row.approver,
      approvedAt: iso(row.approved_at)!,
      groups: row.groups ? JSON.parse(row.groups) : [],
      ...(row.email ? { email: row.email } : {}),
    }));
  }
}
