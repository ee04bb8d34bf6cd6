import { branchOfRef, payloadText } from './webhooks';

describe('reading untrusted webhook payloads', () => {
  it('answers a non-empty string at a path, and nothing for anything else', () => {
    const payload = {
      ref: 'refs/heads/main',
      repository: { clone_url: 'https://git.example.com/a.git', id: 7 },
      empty: '',
      list: ['x'],
    };
    expect(payloadText(payload, 'repository', 'clone_url')).toBe(
      'https://git.example.com/a.git',
    );
    expect(payloadText(payload, 'repository', 'id')).toBeUndefined();
    expect(payloadText(payload, 'empty')).toBeUndefined();
    expect(payloadText(payload, 'ref', 'length')).toBeUndefined();
    expect(payloadText(payload, 'missing', 'deeper')).toBeUndefined();
    expect(payloadText(null, 'ref')).toBeUndefined();
    expect(payloadText('refs/heads/main')).toBe('refs/heads/main');
  });

  it('names the branch of a pushed branch ref, and none for a tag', () => {
    expect(branchOfRef('refs/heads/release/1.x')).toBe('release/1.x');
    expect(branchOfRef('refs/tags/v1.0.0')).toBeUndefined();
    expect(branchOfRef('refs/heads/')).toBeUndefined();
    expect(branchOfRef(undefined)).toBeUndefined();
  });
});
