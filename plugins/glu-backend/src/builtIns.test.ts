import { ConfigReader } from '@backstage/config';
import os from 'node:os';
import path from 'node:path';
import { gluGathering, gluWorkingDirectory } from './builtIns';

describe('gluWorkingDirectory', () => {
  it("is outside the backend's source tree unless configured, one per backend", () => {
    const a = gluWorkingDirectory(
      new ConfigReader({ backend: { baseUrl: 'http://localhost:7007' } }),
    );
    const b = gluWorkingDirectory(
      new ConfigReader({ backend: { baseUrl: 'http://localhost:7008' } }),
    );
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(a).toMatch(/backstage-glu-[0-9a-f]{12}$/);
    expect(a.startsWith(process.cwd())).toBe(false);
    expect(b).not.toBe(a);
    expect(
      gluWorkingDirectory(
        new ConfigReader({ backend: { workingDirectory: '/var/backstage' } }),
      ),
    ).toMatch(/^\/var\/backstage\/backstage-glu-[0-9a-f]{12}$/);
    expect(
      gluWorkingDirectory(
        new ConfigReader({ glu: { workingDirectory: 'clones' } }),
      ),
    ).toBe(path.resolve('clones'));
  });
});

describe('gluGathering', () => {
  it('gathers writes for a pause of 10 ms within 500 ms unless configured', () => {
    expect(gluGathering(new ConfigReader({}))).toEqual({
      pauseMillis: 10,
      windowMillis: 500,
    });
    expect(
      gluGathering(
        new ConfigReader({
          glu: {
            git: { gathering: { pause: '50ms', window: { seconds: 2 } } },
          },
        }),
      ),
    ).toEqual({ pauseMillis: 50, windowMillis: 2_000 });
  });
});
