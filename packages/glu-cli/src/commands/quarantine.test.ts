import { ExitCode } from '../exits';
import { quarantineRequestOf } from './quarantine';

describe('glu quarantine add', () => {
  it('asks for a version of one pipeline, the pipeline in full', () => {
    expect(
      quarantineRequestOf({
        reason: 'leaks memory',
        pipeline: 'checkout',
        version: '1.1.0',
      }),
    ).toEqual({
      reason: 'leaks memory',
      pipeline: 'pipeline:default/checkout',
      version: '1.1.0',
    });
    expect(
      quarantineRequestOf({
        reason: 'x',
        pipeline: 'team-a/checkout',
        digest: 'sha256:4f1c',
        rollback: true,
      }),
    ).toEqual({
      reason: 'x',
      pipeline: 'pipeline:team-a/checkout',
      digest: 'sha256:4f1c',
      rollback: true,
    });
  });

  it('asks for a digest in every pipeline, given only a digest', () => {
    expect(
      quarantineRequestOf({ reason: 'CVE-2026-1234', digest: 'sha256:4f1c' }),
    ).toEqual({ reason: 'CVE-2026-1234', digest: 'sha256:4f1c' });
  });

  it('refuses no version, a version without its pipeline, an empty reason and a ref of another kind', () => {
    const usage = (message: string | RegExp) =>
      expect.objectContaining({ exitCode: ExitCode.usage, message });
    expect(() => quarantineRequestOf({ reason: 'x', pipeline: 'a' })).toThrow(
      usage(
        'Give the version to quarantine: --pipeline with --version or --digest, or --digest alone for a digest in every pipeline',
      ),
    );
    expect(() =>
      quarantineRequestOf({ reason: 'x', version: '1.1.0' }),
    ).toThrow(
      usage(
        '--version names a version of one pipeline: give --pipeline too, or --digest alone for a digest in every pipeline',
      ),
    );
    expect(() => quarantineRequestOf({ reason: ' ', digest: 'd' })).toThrow(
      usage('--reason takes why nobody may promote the version again'),
    );
    expect(() =>
      quarantineRequestOf({
        reason: 'x',
        pipeline: 'component:default/checkout',
        version: '1.1.0',
      }),
    ).toThrow(
      "Not a pipeline's entity ref: component:default/checkout (e.g. pipeline:default/checkout)",
    );
  });
});
