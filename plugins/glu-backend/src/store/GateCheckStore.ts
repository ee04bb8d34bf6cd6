import { Knex } from 'knex';
import { iso } from './rows';
import { GateCheck } from './types';
import { UnitOfWork } from './UnitOfWork';

/** The latest answers of gates that observe the running system. */
export interface GateCheckStore {
  getGateChecks(pipelineRefs: string[]): Promise<GateCheck[]>;
  /**
   * Keeps gates' latest answers; answers which pipelines' answers say
   * something else than before (and so moved their revision).
   */
  saveGateChecks(checks: GateCheck[]): Promise<string[]>;
}

/** A check's metrics as their column holds them. */
function metricsOf(check: GateCheck): string | null {
  return check.metrics?.length ? JSON.stringify(check.metrics) : null;
}

/** Gate checks in `glu_gate_checks`. */
export class KnexGateCheckStore implements GateCheckStore {
  constructor(private readonly db: Knex, private readonly unit: UnitOfWork) {}

  async getGateChecks(pipelineRefs: string[]): Promise<GateCheck[]> {
    if (pipelineRefs.length === 0) return [];
    const rows = await this.db('glu_gate_checks').whereIn(
      'pipeline_ref',
      pipelineRefs,
    );
    return rows.map(row => ({
      pipelineRef: row.pipeline_ref,
      gateKey: row.gate_key,
      phase: row.phase,
      digest: row.digest,
      passed: Boolean(row.passed),
      failed: Boolean(row.failed),
      reason: row.reason,
      since: iso(row.since)!,
      checkedAt: iso(row.checked_at)!,
      ...(row.metrics ? { metrics: JSON.parse(row.metrics) } : {}),
    }));
  }

  /**
   * Keeps gates' latest answers, in one transaction. The pipelines whose
   * answers say something else than before (another version, outcome or
   * reason) move their revision; answers that only say it again do not.
   * Answers which pipelines changed.
   */
  async saveGateChecks(checks: GateCheck[]): Promise<string[]> {
    if (checks.length === 0) return [];
    const refs = [...new Set(checks.map(c => c.pipelineRef))];
    return this.unit.changeSome(refs, async tx => {
      const before = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < refs.length; i += 500) {
        const rows = await tx('glu_gate_checks')
          .whereIn('pipeline_ref', refs.slice(i, i + 500))
          .select(
            'pipeline_ref',
            'gate_key',
            'digest',
            'passed',
            'failed',
            'reason',
            'metrics',
          );
        for (const row of rows) {
          before.set(`${row.pipeline_ref}\n${row.gate_key}`, row);
        }
      }
      const changed = new Set<string>();
      for (const check of checks) {
        const row = before.get(`${check.pipelineRef}\n${check.gateKey}`);
        if (
          !row ||
          row.digest !== check.digest ||
          Boolean(row.passed) !== check.passed ||
          Boolean(row.failed) !== check.failed ||
          row.reason !== check.reason ||
          (row.metrics ?? null) !== metricsOf(check)
        ) {
          changed.add(check.pipelineRef);
        }
      }
      for (let i = 0; i < checks.length; i += 100) {
        await tx('glu_gate_checks')
          .insert(
            checks.slice(i, i + 100).map(check => ({
              pipeline_ref: check.pipelineRef,
              gate_key: check.gateKey,
              phase: check.phase,
              digest: check.digest,
              passed: check.passed,
              failed: check.failed,
              reason: check.reason,
              since: new Date(check.since),
              checked_at: new Date(check.checkedAt),
              metrics: metricsOf(check),
            })),
          )
          .onConflict(['pipeline_ref', 'gate_key'])
          .merge([
            'phase',
            'digest',
            'passed',
            'failed',
            'reason',
            'since',
            'checked_at',
            'metrics',
          ]);
      }
      const sorted = [...changed].sort();
      return { result: sorted, changed: sorted };
    });
  }
}
