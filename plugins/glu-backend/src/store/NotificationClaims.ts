import { Knex } from 'knex';

/** Which notifications were sent, so that each is sent once across replicas. */
export interface NotificationClaims {
  /** True for the first to ask, once per key and pipeline. */
  claimNotification(
    pipelineRef: string,
    key: string,
    kind: string,
  ): Promise<boolean>;
  /** Gives a claim up, so that a notification that could not be sent is sent later. */
  releaseNotification(pipelineRef: string, key: string): Promise<void>;
}

/** Claims in `glu_notifications`. */
export class KnexNotificationClaims implements NotificationClaims {
  constructor(private readonly db: Knex) {}

  /**
   * Claims the sending of a notification: true for the first to ask, once
   * per key and pipeline, whichever replica asks.
   */
  async claimNotification(
    pipelineRef: string,
    key: string,
    kind: string,
  ): Promise<boolean> {
    const inserted = await this.db('glu_notifications')
      .insert({ pipeline_ref: pipelineRef, key, kind, sent_at: new Date() })
      .onConflict(['pipeline_ref', 'key'])
      .ignore()
      .returning('key');
    return inserted.length === 1;
  }

  /** Gives a claim up, so that a notification that could not be sent is sent later. */
  async releaseNotification(pipelineRef: string, key: string): Promise<void> {
    await this.db('glu_notifications')
      .where({ pipeline_ref: pipelineRef, key })
      .delete();
  }
}
