/*
 * The git floor, run as a person runs git: from a shell. Starting a process
 * copies the starting process's page tables, so a git spawned from the
 * bench's own Node process (hundreds of megabytes, the Git host and its
 * figures in it) costs tens of milliseconds more per command than the same
 * git from a shell, and a floor that pays that makes Glu look better than it
 * is. So the floor's steps go to one `bash --noprofile --norc`, started once
 * and kept, which runs them and times them itself ($EPOCHREALTIME, a
 * builtin: no process of its own).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A run's deadline: a floor's step that hangs fails the bench. */
const RUN_MILLIS = 300_000;

const DONE = '@@glu-bench-done';

export class FloorShell {
  private readonly shell: ChildProcessWithoutNullStreams;
  private output = '';
  private waiting?: (line: string) => void;
  private queue: Promise<unknown> = Promise.resolve();
  /** Where a run's output goes, for its error; `.times` beside it. */
  private readonly log = path.join(
    os.tmpdir(),
    `glu-bench-floor-${process.pid}-${Date.now()}.log`,
  );

  constructor() {
    this.shell = spawn('bash', ['--noprofile', '--norc'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that a deadline ends the git under it too.
      detached: true,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        GIT_AUTHOR_NAME: 'Floor',
        GIT_AUTHOR_EMAIL: 'floor@example.com',
        GIT_COMMITTER_NAME: 'Floor',
        GIT_COMMITTER_EMAIL: 'floor@example.com',
        GIT_TERMINAL_PROMPT: '0',
      },
    });
    this.shell.stdout.setEncoding('utf8');
    this.shell.stderr.setEncoding('utf8');
    this.shell.stdout.on('data', (chunk: string) => {
      this.output += chunk;
      const end = this.output.indexOf(`${DONE} `);
      const newline = this.output.indexOf('\n', end);
      if (end >= 0 && newline >= 0) {
        const line = this.output.slice(end, newline);
        this.output = this.output.slice(newline + 1);
        this.waiting?.(line);
      }
    });
    let errors = '';
    this.shell.stderr.on('data', (chunk: string) => {
      errors = (errors + chunk).slice(-4000);
    });
    this.shell.once('exit', code => {
      this.waiting?.(`${DONE} ${code ?? 1} 0 ${errors}`);
    });
  }

  /**
   * Runs the steps (shell commands, one a line) in a subshell with `-e`, in
   * `cwd`; resolves with their time in milliseconds, as the shell measured
   * it. Steps of one shell run one after another.
   */
  async run(cwd: string, steps: string[]): Promise<number> {
    return (await this.measure(cwd, steps)).millis;
  }

  /**
   * Runs the steps as `run` does; resolves with their time and the CPU time
   * (user + system) of the processes they started, in seconds.
   */
  measure(
    cwd: string,
    steps: string[],
  ): Promise<{ millis: number; cpuSeconds: number }> {
    const result = this.queue.then(() => this.runNow(cwd, steps));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private runNow(
    cwd: string,
    steps: string[],
  ): Promise<{ millis: number; cpuSeconds: number }> {
    const log = quote(this.log);
    const script = [
      `cd ${quote(cwd)} || exit 1`,
      't0=$EPOCHREALTIME',
      `( set -e\n${steps.join('\n')}\n) >${log} 2>&1`,
      'rc=$?',
      't1=$EPOCHREALTIME',
      // The subshell's children's times (a builtin: nothing more started
      // before they are taken), e.g. `0m0.120s 0m0.030s`.
      `times >${log}.times`,
      `echo "${DONE} $rc $(( \${t1/./} - \${t0/./} )) $(tail -n 1 ${log}.times) $(tail -c 2000 ${log} | tr '\\n' ' ')"`,
    ].join('\n');
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        process.kill(-this.shell.pid!, 'SIGKILL');
      }, RUN_MILLIS);
      this.waiting = line => {
        clearTimeout(deadline);
        this.waiting = undefined;
        const [, rc, micros, user, system, ...rest] = line.split(' ');
        if (rc === '0') {
          resolve({
            millis: Number(micros) / 1000,
            cpuSeconds: seconds(user) + seconds(system),
          });
        } else {
          reject(
            new Error(
              `The floor's steps failed (${rc}): ${steps.join(
                '; ',
              )}: ${rest.join(' ')}`,
            ),
          );
        }
      };
      // A subshell per run, so that a `cd` or a variable stays in it.
      this.shell.stdin.write(`(\n${script}\n)\n`);
    });
  }

  /** Ends the shell and anything it still runs. */
  close(): void {
    for (const file of [this.log, `${this.log}.times`]) {
      fs.rmSync(file, { force: true });
    }
    this.shell.stdin.destroy();
    try {
      process.kill(-this.shell.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** `1m2.500s`, as `times` prints it, in seconds. */
function seconds(text: string | undefined): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
}

/** A word for the shell, as it is. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
