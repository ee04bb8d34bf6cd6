import path from 'node:path';

/** This package's folder, wherever it is checked out. */
export const packageDir = path.dirname(
  require.resolve('@internal/glu-system-tests/package.json'),
);

/** The repository's root. */
export const repositoryRoot = path.resolve(packageDir, '../..');

/** Where the suites leave their logs. */
export const resultsDir = path.join(repositoryRoot, 'test-results');
