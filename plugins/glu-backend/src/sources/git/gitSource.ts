import { GluSource } from '@glu-dev/plugin-glu-node';

/**
 * `git`: one file of a Git repository, read and written through a format.
 * The engine reads it from one long-lived clone per repository and commits
 * promotions in a separate work tree.
 */
export const gitSource: GluSource = {
  type: 'git',
  writable: true,
};
