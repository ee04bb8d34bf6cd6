import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  FleetPromotionRequest,
  FleetPromotionResult,
  parsePipelineRef,
} from '@glu-dev/plugin-glu-common';
import { errorAnswerOf } from '../errors';
import { PromoteOne } from './GluService';

/** At most this many promotions of a fleet promotion run at once. */
export const FLEET_PROMOTIONS_AT_ONCE = 4;

/**
 * Makes each promotion asked for, a few at a time, and answers what each
 * did in the order asked: its promotion, or why it was refused (as its own
 * promotion would have answered). One refusal does not stop the others.
 */
export async function promoteEach(
  items: FleetPromotionRequest[],
  promote: PromoteOne,
  atOnce = FLEET_PROMOTIONS_AT_ONCE,
): Promise<{ items: FleetPromotionResult[] }> {
  const results: FleetPromotionResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const { pipeline, phase, from } = items[index];
      const asked = { pipeline, phase, ...(from ? { from } : {}) };
      try {
        const ref = stringifyEntityRef(parsePipelineRef(pipeline));
        const promotion = await promote(ref, {
          phase,
          ...(from ? { from } : {}),
        });
        results[index] = { ...asked, promotion };
      } catch (error) {
        results[index] = { ...asked, error: errorAnswerOf(error) };
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(atOnce, items.length) }, worker),
  );
  return { items: results };
}
