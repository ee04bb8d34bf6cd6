/*
 * The example portal's template is the one that the scaffolder module ships
 * (templates/add-pipeline.yaml in its package), registered as an adopter
 * registers it: no copy of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const backendDir = path.resolve(__dirname, '..');

it('registers the template that the scaffolder module ships', () => {
  const config = parse(
    fs.readFileSync(path.join(backendDir, '../../app-config.yaml'), 'utf8'),
  );
  const templates = config.catalog.locations.filter((location: any) =>
    location.rules?.some((rule: any) => rule.allow.includes('Template')),
  );
  const shipped = path.join(
    path.dirname(
      require.resolve(
        '@glu-dev/plugin-scaffolder-backend-module-glu/package.json',
      ),
    ),
    'templates/add-pipeline.yaml',
  );

  // File locations are relative to the backend's working directory.
  expect(
    templates.map((location: any) =>
      fs.realpathSync(path.resolve(backendDir, location.target)),
    ),
  ).toEqual([fs.realpathSync(shipped)]);
  expect(parse(fs.readFileSync(shipped, 'utf8'))).toMatchObject({
    kind: 'Template',
    metadata: { name: 'glu-add-pipeline' },
  });
});
