import { ChildProcess, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Resolves once every thread of a process is stopped (its state in /proc is
 * `T`): a signal is delivered when a thread next runs, not when kill
 * returns.
 */
async function untilStopped(processId: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  const stopped = async (task: string) => {
    try {
      // The state follows the command's name in parentheses.
      const stat = await fs.readFile(
        `/proc/${processId}/task/${task}/stat`,
        'utf8',
      );
      return /\) [Tt] /.test(stat);
    } catch {
      return true; // A thread that ended in the meantime runs no more.
    }
  };
  while (Date.now() < deadline) {
    const tasks = await fs.readdir(`/proc/${processId}/task`);
    if ((await Promise.all(tasks.map(stopped))).every(Boolean)) return;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`process ${processId} did not stop within 10 s of SIGSTOP`);
}

/**
 * What `startPrometheus` runs.
 *
 * @public
 */
export interface TestPrometheusOptions {
  /** How often Prometheus scrapes its targets; `1s` when left out. */
  scrapeInterval?: string;
  /** The targets it scrapes (`/metrics`), each `host:port`. */
  targets?: string[];
}

/**
 * A real Prometheus on a loopback port, with its own storage.
 *
 * @public
 */
export interface TestPrometheus {
  /** Where its HTTP API answers: `http://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Stops it and removes its storage. */
  stop(): Promise<void>;
  /** Stops it, keeping its storage: it no longer answers on its port. */
  down(): Promise<void>;
  /** Starts it again, on the same port and storage. */
  up(): Promise<void>;
  /**
   * Stops its process (SIGSTOP), and resolves once the kernel says it is
   * stopped: from then on connections are accepted, never answered.
   */
  freeze(): Promise<void>;
  /** Lets a frozen process go on (SIGCONT). */
  thaw(): void;
  /**
   * Waits until an instant query answers one value (a scalar, or a vector
   * of one series) that `predicate` accepts, asking Prometheus' API every
   * 100ms for at most 30s, and returns that value.
   */
  scraped(
    query: string,
    predicate?: (value: number) => boolean,
  ): Promise<number>;
}

const READY_MILLIS = 30_000;
const SCRAPED_MILLIS = 30_000;
const POLL_MILLIS = 100;

/** The started processes, killed if the test process exits without stop(). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    if (child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
});

async function findBinary(): Promise<string> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const candidate of [
    ...dirs.map(dir => path.join(dir, 'prometheus')),
    '/usr/bin/prometheus',
  ]) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not there; the next one.
    }
  }
  throw new Error(
    'Prometheus is not installed: the tests run the real one (apt-get install prometheus)',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (millis: number) =>
  new Promise(resolve => setTimeout(resolve, millis));

/** The one value of an instant query's answer, if it has exactly one. */
function singleValue(body: unknown): number | undefined {
  const data = (body as { data?: { resultType?: string; result?: unknown } })
    ?.data;
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
    return Number(data.result[1]);
  }
  if (
    data?.resultType === 'vector' &&
    Array.isArray(data.result) &&
    data.result.length === 1
  ) {
    return Number((data.result[0] as { value: [number, string] }).value[1]);
  }
  return undefined;
}

/**
 * Starts Debian's `prometheus` on a free loopback port, scraping `targets`,
 * with a generated configuration and storage in a temporary directory, and
 * waits until it is ready.
 *
 * @public
 */
export async function startPrometheus(
  options: TestPrometheusOptions = {},
): Promise<TestPrometheus> {
  const binary = await findBinary();
  const scrapeInterval = options.scrapeInterval ?? '1s';
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glu-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  // JSON is YAML: no YAML library needed to write it.
  await fs.writeFile(
    configFile,
    JSON.stringify(
      {
        global: {
          scrape_interval: scrapeInterval,
          evaluation_interval: scrapeInterval,
        },
        scrape_configs: options.targets?.length
          ? [
              {
                job_name: 'glu-test',
                scrape_interval: scrapeInterval,
                scrape_timeout: scrapeInterval,
                static_configs: [{ targets: options.targets }],
              },
            ]
          : [],
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  let child: ChildProcess | undefined;
  let output = '';
  let frozen = false;

  const launch = async () => {
    output = '';
    const started = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=${host}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = started;
    running.add(started);
    started.stderr?.on('data', chunk => {
      output = `${output}${chunk}`.slice(-4000);
    });
    const exited = new Promise<void>(resolve => {
      started.once('exit', () => {
        running.delete(started);
        resolve();
      });
    });
    const deadline = Date.now() + READY_MILLIS;
    let done = false;
    exited.then(() => {
      done = true;
    });
    while (Date.now() < deadline) {
      if (done) {
        throw new Error(`Prometheus exited before it was ready:\n${output}`);
      }
      try {
        const response = await fetch(`${url}/-/ready`, {
          signal: AbortSignal.timeout(1000),
        });
        await response.body?.cancel();
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(POLL_MILLIS);
    }
    throw new Error(
      `Prometheus was not ready within ${READY_MILLIS / 1000}s:\n${output}`,
    );
  };

  const halt = async () => {
    const current = child;
    child = undefined;
    if (!current?.pid || current.exitCode !== null) return;
    const exited = new Promise(resolve => current.once('exit', resolve));
    if (frozen) {
      process.kill(current.pid, 'SIGCONT');
      frozen = false;
    }
    process.kill(current.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (current.pid && current.exitCode === null) {
        process.kill(current.pid, 'SIGKILL');
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (error) {
    await halt();
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }

  const pid = () => {
    if (!child?.pid) throw new Error('Prometheus is not running');
    return child.pid;
  };

  return {
    url,
    host,
    async stop() {
      await halt();
      await fs.rm(dir, { recursive: true, force: true });
    },
    down: halt,
    async up() {
      if (child) throw new Error('Prometheus is running already');
      await launch();
    },
    async freeze() {
      const stopped = pid();
      process.kill(stopped, 'SIGSTOP');
      frozen = true;
      await untilStopped(stopped);
    },
    thaw() {
      process.kill(pid(), 'SIGCONT');
      frozen = false;
    },
    async scraped(query, predicate = () => true) {
      const deadline = Date.now() + SCRAPED_MILLIS;
      let last = 'nothing yet';
      while (Date.now() < deadline) {
        try {
          const response = await fetch(
            `${url}/api/v1/query?query=${encodeURIComponent(query)}`,
            { signal: AbortSignal.timeout(2000) },
          );
          const body = await response.json();
          last = JSON.stringify(body).slice(0, 500);
          const value = singleValue(body);
          if (value !== undefined && predicate(value)) return value;
        } catch (error) {
          last = String(error);
        }
        await sleep(POLL_MILLIS);
      }
      throw new Error(
        `Prometheus did not answer ${query} as expected within ${
          SCRAPED_MILLIS / 1000
        }s; it last answered ${last}`,
      );
    },
  };
}
