/**
 * glu: the command line of Glu for Backstage.
 *
 * @packageDocumentation
 */
import { main } from './program';

// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { version } = require('../package.json');

// Output piped into a command that stops reading (`glu history … | head`)
// ends glu quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv, version).catch(error => {
  process.stderr.write(`glu: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
