/**
 * glu: the command line of Glu for Backstage.
 *
 * @packageDocumentation
 */
import { main } from './program';

// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { version } = require('../package.json');

main(process.argv, version).catch(error => {
  process.stderr.write(`glu: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
