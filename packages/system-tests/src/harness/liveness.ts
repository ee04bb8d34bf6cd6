import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Replica } from './replicas';

/**
 * The probe, in a thread of its own: the suite's own thread runs git
 * synchronously (a person's commit), which would hold up the probe's answers
 * and be taken for the replica's. Each late answer is judged by how long the
 * replica's main thread (its event loop) ran meanwhile, from /proc.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { limitMillis, tickMillis, targets } = workerData;
function mainThreadMillis(pid) {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/task/' + pid + '/stat', 'utf8');
    // After the command's name in parentheses: utime and stime are the
    // 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tickMillis;
  } catch {
    return NaN;
  }
}
let stopped = false;
parentPort.on('message', () => { stopped = true; });
const counts = { probes: 0, starved: 0 };
async function probe(target) {
  while (!stopped) {
    const before = mainThreadMillis(target.pid);
    const started = performance.now();
    let ok = false;
    try {
      const res = await fetch(target.url, { signal: AbortSignal.timeout(5000) });
      await res.text();
      ok = res.ok;
    } catch {}
    const millis = performance.now() - started;
    const busy = mainThreadMillis(target.pid) - before;
    counts.probes++;
    if (ok && millis <= limitMillis) continue;
    if (ok && busy < limitMillis) { counts.starved++; continue; }
    parentPort.postMessage({ slow: { name: target.name, ok, millis, busy } });
    return;
  }
}
Promise.all(targets.map(probe)).then(() => parentPort.postMessage({ done: counts }));
`;

const TICK_MILLIS =
  1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * Asks every replica for its liveness, one request after another, until
 * stopped: `during` fails at the first answer later than the limit (or none
 * at all) during which the replica's event loop was busy, so that a
 * scenario fails at once rather than at its end. An answer that was late
 * while the replica's main thread hardly ran was held up by the machine's
 * load, not by the replica: it is counted, not failed.
 */
export class LivenessProbe {
  private readonly worker: Worker;
  private readonly slow: Promise<never>;
  private readonly done: Promise<{ probes: number; starved: number }>;
  private counts?: { probes: number; starved: number };

  constructor(replicas: Replica[], private readonly limitMillis: number) {
    this.worker = new Worker(PROBE, {
      eval: true,
      workerData: {
        limitMillis,
        tickMillis: TICK_MILLIS,
        targets: replicas.map(r => ({
          name: r.name,
          pid: r.pid,
          url: `${r.url}/.backstage/health/v1/liveness`,
        })),
      },
    });
    this.slow = new Promise<never>((_, reject) => {
      this.worker.on('message', message => {
        if (!message.slow) return;
        const { name, ok, millis, busy } = message.slow;
        reject(
          new Error(
            `${name}'s liveness ${
              ok ? `answered in ${Math.round(millis)} ms` : 'did not answer'
            } (over ${limitMillis} ms), its event loop busy for ${Math.round(
              busy,
            )} ms of it`,
          ),
        );
      });
      this.worker.on('error', reject);
    });
    this.slow.catch(() => undefined);
    this.done = new Promise(resolve =>
      this.worker.on('message', message => {
        if (message.done) resolve(message.done);
      }),
    );
  }

  /** Runs the work while probing: it fails as soon as a probe is late. */
  during<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.slow]);
  }

  async stop(): Promise<void> {
    if (this.counts) return;
    this.worker.postMessage('stop');
    this.counts = await this.done;
    await this.worker.terminate();
  }

  /** For the figures, once stopped. */
  summary(): string {
    const { probes, starved } = this.counts ?? { probes: 0, starved: 0 };
    return `${probes} liveness probes answered within ${this.limitMillis} ms${
      starved
        ? ` (${starved} later, while the machine's load kept the replica from running)`
        : ''
    }`;
  }
}
