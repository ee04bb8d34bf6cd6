import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { GluLimitError } from '@glu-dev/plugin-glu-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGitFixture, GitFixture } from '../../__testUtils__/git';
import { GitCredentials } from './GitCredentials';
import { GitRepository } from './GitRepository';

jest.setTimeout(60_000);

/** `size` bytes of YAML, each line a key of its own. */
function yamlOf(size: number, seed: string): string {
  let text = '';
  for (let i = 0; text.length < size; i++) text += `${seed}${i}: value\n`;
  return text;
}

describe('GitRepository, on files over the limit of files', () => {
  const maxFileBytes = 64 * 1024;
  let repo: GitFixture;
  let workingDirectory: string;
  let repository: GitRepository;
  // Small ones around a large one, each larger than what git prints at once.
  const files = {
    'env/before.yaml': yamlOf(60 * 1024, 'b'),
    'env/large.yaml': yamlOf(5 * 1024 * 1024, 'l'),
    'env/after.yaml': yamlOf(50 * 1024, 'a'),
    'env/line\nbreak.yaml': yamlOf(100 * 1024, 'n'),
  };

  beforeEach(async () => {
    repo = await createGitFixture(files);
    workingDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-work-'));
    repository = new GitRepository(
      repo.url,
      workingDirectory,
      new GitCredentials(ScmIntegrations.fromConfig(new ConfigReader({}))),
      mockServices.logger.mock(),
      60_000,
      undefined,
      undefined,
      maxFileBytes,
    );
    await repository.fetch();
  });

  afterEach(async () => {
    await repo.cleanup();
    await fs.rm(workingDirectory, { recursive: true, force: true });
  });

  it('answers why a file is not read, and reads the others of the same batch whole', async () => {
    const head = (await repository.head('main'))!;
    const read = await repository.readFiles(head, [
      'env/before.yaml',
      'env/large.yaml',
      'env/missing.yaml',
      'env/after.yaml',
      'env/line\nbreak.yaml',
    ]);
    expect(read.get('env/before.yaml')).toBe(files['env/before.yaml']);
    expect(read.get('env/after.yaml')).toBe(files['env/after.yaml']);
    expect(read.has('env/missing.yaml')).toBe(false);
    const large = read.get('env/large.yaml');
    expect(large).toBeInstanceOf(GluLimitError);
    expect((large as Error).message).toBe(
      'env/large.yaml is 5 MB, over glu.limits.fileBytes (64 KB)',
    );
    expect((read.get('env/line\nbreak.yaml') as Error).message).toBe(
      'env/line\nbreak.yaml is 100 KB, over glu.limits.fileBytes (64 KB)',
    );
  });

  it('refuses to edit a file over the limit, and commits the other edits of the batch', async () => {
    const edit = (file: string) => ({
      path: file,
      apply: async (content: string) => `${content}edited: true\n`,
      message: { subject: `Edit ${file}`, body: '' },
    });
    const [large, after] = await repository.commit({
      branch: 'main',
      edits: [edit('env/large.yaml'), edit('env/after.yaml')],
      author: { name: 'Glu', email: 'glu@localhost' },
    });
    expect(large.error).toMatchObject({
      name: 'ConflictError',
      message: 'env/large.yaml is 5 MB, over glu.limits.fileBytes (64 KB)',
    });
    expect(after).toMatchObject({ changed: true });
    expect(await repo.show('env/after.yaml')).toBe(
      `${files['env/after.yaml']}edited: true\n`,
    );
    expect(await repo.show('env/large.yaml')).toBe(files['env/large.yaml']);
  });

  it('refuses to edit a path that a definition could not name, and commits the others', async () => {
    const edit = (file: string) => ({
      path: file,
      apply: async () => 'edited: true\n',
      message: { subject: `Edit ${file}`, body: '' },
    });
    const results = await repository.commit({
      branch: 'main',
      edits: [
        edit('../outside.yaml'),
        edit('.git/config'),
        edit('env\\after.yaml'),
        edit('env/after.yaml'),
      ],
      author: { name: 'Glu', email: 'glu@localhost' },
    });
    expect(results.map(r => r.error?.message)).toEqual([
      'The path "../outside.yaml" leaves the repository',
      'The path ".git/config" is inside .git',
      'The path must use forward slashes',
      undefined,
    ]);
    expect(await repo.show('env/after.yaml')).toBe('edited: true\n');
  });
});
