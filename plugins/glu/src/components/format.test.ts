import {
  causeLabel,
  changeLabel,
  relativeTime,
  sameEntityRef,
  shortDigest,
  versionLabel,
} from './format';

describe('format', () => {
  const digest =
    'sha256:4a1b9c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';

  it('names a version by its tag, else by its short digest', () => {
    expect(versionLabel({ version: '1.5.0', digest })).toBe('1.5.0');
    expect(versionLabel({ version: '', digest })).toBe('4a1b9c2d3e4f');
    expect(shortDigest(digest)).toBe('4a1b9c2d3e4f');
  });

  it('tells how long ago something happened', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(relativeTime('2025-06-01T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2025-06-01T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2025-05-31T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });

  it('says how a state came about', () => {
    expect(causeLabel('promotion')).toBe('promoted');
    expect(causeLabel('rollback')).toBe('rolled back');
    expect(causeLabel('something-new')).toBe('something-new');
  });

  it('says when a change kept the version', () => {
    expect(changeLabel({ cause: 'commit', version: '1.4.0', digest })).toBe(
      'committed',
    );
    expect(
      changeLabel({ cause: 'commit', keptVersion: true, version: '', digest }),
    ).toBe('changed the file and kept 4a1b9c2d3e4f');
    expect(
      changeLabel({
        cause: 'commit',
        keptVersion: true,
        version: '1.4.0',
        digest,
      }),
    ).toBe('changed the file and kept 1.4.0');
  });

  it('compares entity refs as the catalog does', () => {
    expect(
      sameEntityRef('Pipeline:default/checkout', 'pipeline:default/checkout'),
    ).toBe(true);
    expect(
      sameEntityRef('pipeline:default/checkout', 'pipeline:default/payments'),
    ).toBe(false);
  });
});
