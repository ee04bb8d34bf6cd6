/*
 * The load of the benchmark, in a process of its own: `load()` starts it
 * with its options (JSON) as the argument, ends it sooner by closing its
 * input, and reads what it measured (JSON) from its output.
 */
import { runLoad } from './load';

let stopped = false;
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  stopped = true;
});

runLoad(
  {
    ...JSON.parse(process.argv[2]),
    onStart: () => process.stdout.write('started\n'),
  },
  () => stopped,
).then(
  result => {
    // Once all of it is out: a pipe takes it in pieces.
    process.stdout.write(JSON.stringify(result), () => process.exit(0));
  },
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
