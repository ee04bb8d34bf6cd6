import { Entity } from '@backstage/catalog-model';
import {
  isDoraAvailable,
  isFleetAvailable,
  isGluAvailable,
  isGluTabShown,
} from './conditions';

const entity = (kind: string, relations: Entity['relations'] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  relations,
});

describe('isGluAvailable', () => {
  it('holds for pipelines and for entities that a pipeline delivers', () => {
    expect(isGluAvailable(entity('Pipeline'))).toBe(true);
    expect(
      isGluAvailable(
        entity('Component', [
          { type: 'deliveredBy', targetRef: 'pipeline:default/x' },
        ]),
      ),
    ).toBe(true);
    expect(isGluAvailable(entity('Component'))).toBe(false);
    expect(isGluAvailable(entity('Group'))).toBe(false);
  });
});

describe('isDoraAvailable', () => {
  it('holds for pipelines, and for the groups and users that own them', () => {
    for (const kind of ['Pipeline', 'Group', 'User']) {
      expect(isDoraAvailable({ kind })).toBe(true);
    }
    expect(isDoraAvailable({ kind: 'Component' })).toBe(false);
  });
});

describe('isGluTabShown', () => {
  it('offers the tab on components, so one without a pipeline learns how to add one', () => {
    expect(isGluTabShown(entity('Component'))).toBe(true);
    expect(isGluTabShown(entity('Pipeline'))).toBe(true);
    expect(isGluTabShown(entity('User'))).toBe(false);
  });
});

describe('isFleetAvailable', () => {
  it('holds for groups and systems', () => {
    expect(isFleetAvailable({ kind: 'Group' })).toBe(true);
    expect(isFleetAvailable({ kind: 'system' })).toBe(true);
    expect(isFleetAvailable({ kind: 'Component' })).toBe(false);
    expect(isFleetAvailable({ kind: 'User' })).toBe(false);
  });
});
