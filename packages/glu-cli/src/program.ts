import {
  GluClient,
  PageOptions,
  PipelineSummary,
  PipelineView,
  Promotion,
  PromotionDryRun,
} from '@glu-dev/plugin-glu-common';
import { Command, CommanderError, Option } from 'commander';
import ora from 'ora';
import { stringify } from 'yaml';
import { connect, Connection, ConnectionOptions } from './connection';
import { ExitCode, explain, GluCliError, secondsOf } from './exits';
import { formatOf, FORMATS, Printer } from './output';
import {
  diffText,
  dryRunText,
  historyTable,
  ownerDoraText,
  pipelineDoraText,
  pipelinesTable,
  pipelineText,
  promotionLine,
  graphText,
} from './views';

type GlobalOptions = ConnectionOptions & { output?: string; color: boolean };

/** The statuses a promotion does not leave. */
const FINISHED = new Set<Promotion['status']>([
  'succeeded',
  'up-to-date',
  'failed',
  'closed',
  'superseded',
]);

const HELP_AFTER = `
Where and who, as flags or in the environment
  --url / GLU_URL             the Backstage backend, e.g. https://backstage.example.com
  --token / GLU_TOKEN         a Backstage token: a user's, or a static one for CI
  --token-file / GLU_TOKEN_FILE
                              a file that holds the token

  CI: a static token from backend.auth.externalAccess in app-config.yaml.
  A person: "Use from a terminal" on the Pipelines page shows your token, or ask
  Backstage for it (GET /api/auth/<provider>/refresh in a signed-in browser).

Exit codes
  0  done, or nothing to do
  1  error: Backstage or the network failed, or the thing is not there
  2  usage: wrong arguments, or input that Glu refused
  3  blocked: a gate, a pin or a promotion under way holds it back
  4  not allowed: no valid token, or the permission policy says no
`;

/** The connection options, given before the command or after it. */
function globalsOf(command: Command): GlobalOptions {
  const own = command.opts() as GlobalOptions;
  const before = (command.parent?.opts() ?? {}) as GlobalOptions;
  return {
    url: own.url ?? before.url,
    token: own.token ?? before.token,
    tokenFile: own.tokenFile ?? before.tokenFile,
    timeout: own.timeout ?? before.timeout,
    output: own.output ?? before.output,
    color: own.color !== false && before.color !== false,
  };
}

/**
 * Runs one command: connects, prints what it returns, and turns a failure
 * into a message that says what to do and the exit code it calls for.
 */
function action<A extends unknown[]>(
  work: (
    context: { connection: Connection; printer: Printer; client: GluClient },
    ...args: A
  ) => Promise<number | void>,
  pipelineArg = true,
) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = globalsOf(command);
    const printer = new Printer(
      formatOf(globals.output),
      process.stdout,
      process.stderr,
      globals.color,
    );
    let connection: Connection | undefined;
    try {
      connection = connect(globals);
      const code = await work(
        { connection, printer, client: connection.client },
        ...(args.slice(0, -1) as A),
      );
      process.exitCode = code ?? ExitCode.done;
    } catch (error) {
      const pipeline =
        pipelineArg && typeof args[0] === 'string' ? args[0] : undefined;
      const explained = await explain(error, {
        url: connection?.url ?? globals.url ?? process.env.GLU_URL ?? '',
        timeoutSeconds: connection?.timeoutSeconds ?? 30,
        pipeline,
        ownerOf: connection
          ? async ref => {
              const { ref: full, owner } = await connection!.client.getPipeline(
                ref,
              );
              return { ref: full, owner };
            }
          : undefined,
      });
      process.stderr.write(`glu: ${explained.message}\n`);
      process.exitCode = explained.exitCode;
    }
  };
}

/** The options of a list that comes in pages. */
function withPaging(command: Command, defaultLimit: string): Command {
  return command
    .option('--limit <n>', 'how many in a page', defaultLimit)
    .option('--cursor <cursor>', 'the page after the one that named it')
    .option('--all', 'every page');
}

/**
 * Prints a list that comes in pages: one page (and how to get the next),
 * or with --all every page.
 */
async function listed<T>(
  printer: Printer,
  options: { limit: string; cursor?: string; all?: boolean },
  page: (query: PageOptions) => Promise<{ items: T[]; nextCursor?: string }>,
  human: (items: T[]) => string,
): Promise<void> {
  const limit = limitOf(options.limit);
  let result = await page({ limit, cursor: options.cursor });
  if (options.all) {
    const items = [...result.items];
    while (result.nextCursor) {
      result = await page({ limit, cursor: result.nextCursor });
      items.push(...result.items);
    }
    result = { items };
  }
  const shown = result;
  printer.result(shown, () => human(shown.items));
  if (shown.nextCursor) {
    printer.note(`More: --cursor ${shown.nextCursor}, or --all`);
  }
}

function limitOf(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new GluCliError(
      `--limit is a whole number from 1 to 500, not ${value}`,
      ExitCode.usage,
    );
  }
  return limit;
}

/** Waits until a promotion is finished, showing where it stands. */
async function waitFor(
  client: GluClient,
  printer: Printer,
  promotion: Promotion,
  timeoutSeconds: number,
): Promise<Promotion> {
  const spinner =
    printer.format === 'table' && process.stderr.isTTY
      ? ora({ stream: process.stderr }).start()
      : undefined;
  const describe = (p: Promotion) => {
    const pr = p.pullRequest;
    if (!pr) return `${p.kind} ${p.id}: ${p.status}`;
    const pending = (pr.checks ?? []).filter(c => c.state === 'pending');
    return `pull request #${pr.number} ${pr.state}${
      pending.length ? `, ${pending.length} checks pending` : ''
    }: waiting for it to merge (${pr.url})`;
  };
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = promotion;
  let last = '';
  try {
    for (;;) {
      const text = describe(current);
      if (text !== last) {
        if (spinner) spinner.text = text;
        else printer.note(text);
        last = text;
      }
      if (FINISHED.has(current.status)) return current;
      if (Date.now() > deadline) {
        throw new GluCliError(
          `Gave up waiting after ${timeoutSeconds} s (--wait-timeout): ${text}`,
          ExitCode.error,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
      current = await client.getPromotion(current.id);
    }
  } finally {
    spinner?.stop();
  }
}

/** The exit code of a finished promotion. */
function exitOf(promotion: Promotion): number {
  if (promotion.status === 'succeeded' || promotion.status === 'up-to-date') {
    return ExitCode.done;
  }
  if (promotion.status === 'failed' || promotion.status === 'closed') {
    return ExitCode.error;
  }
  if (promotion.status === 'superseded') return ExitCode.blocked;
  return ExitCode.done;
}

/** The exit code of a dry run: 3 unless it would write (or has no need). */
function exitOfPlan(plan: PromotionDryRun): number {
  return plan.status === 'promotable' || plan.status === 'up-to-date'
    ? ExitCode.done
    : ExitCode.blocked;
}

/**
 * Shows what a write would do; then, unless it is a dry run or blocked,
 * makes it, and with --wait follows it until it is finished.
 */
async function planAndWrite(
  context: { printer: Printer; client: GluClient },
  options: { dryRun?: boolean; wait?: boolean; waitTimeout: string },
  plan: () => Promise<PromotionDryRun>,
  write: () => Promise<Promotion>,
): Promise<number> {
  const { printer, client } = context;
  // Checked before anything is written.
  const waitSeconds = secondsOf(options.waitTimeout, '--wait-timeout');
  const planned = await plan();
  if (options.dryRun) {
    printer.result(planned, () => dryRunText(printer.palette, planned));
    return exitOfPlan(planned);
  }
  printer.note(dryRunText(printer.palette, planned));
  if (planned.status !== 'promotable') {
    printer.result(planned, () => '');
    return exitOfPlan(planned);
  }
  let promotion = await write();
  if (options.wait && !FINISHED.has(promotion.status)) {
    printer.note('');
    promotion = await waitFor(client, printer, promotion, waitSeconds);
  }
  printer.result(promotion, () => promotionLine(printer.palette, promotion));
  return exitOf(promotion);
}

/**
 * The options of every command: where, who, how long and how to print.
 * They go before the command or after it (`glu -o json pipelines`, `glu
 * pipelines -o json`), so that a command's own options, such as publish's
 * `--version`, are its own.
 */
function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the Backstage backend (GLU_URL)')
    .option('--token <token>', 'a Backstage token (GLU_TOKEN)')
    .option(
      '--token-file <file>',
      'a file that holds the token (GLU_TOKEN_FILE)',
    )
    .option('--timeout <seconds>', 'the deadline of each request')
    .addOption(
      new Option('-o, --output <format>', 'how results are printed').choices(
        FORMATS,
      ),
    )
    .option('--no-color', 'no colours, even on a terminal');
}

/** `glu`, its options and its commands. */
export function createProgram(version: string): Command {
  const program = withConnectionOptions(
    new Command('glu')
      .description(
        'The state of Glu pipelines and their promotions, from a terminal or CI.',
      )
      .version(version)
      .enablePositionalOptions(),
  )
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(glu --help shows every command)')
    .exitOverride();
  const command = (nameAndArgs: string) =>
    withConnectionOptions(program.command(nameAndArgs)).exitOverride();

  withPaging(command('pipelines'), '50')
    .description('list pipelines, with their phases and what is behind')
    .option('--owner <ref...>', 'owned by any of these users or groups')
    .option('--component <ref>', 'delivering this component')
    .option('--mine', 'owned by you or one of your groups (a user token)')
    .action(
      action(
        async ({ client, printer }, options: any) =>
          listed<PipelineSummary>(
            printer,
            options,
            page =>
              client.listPipelines({
                owner: options.owner,
                component: options.component,
                mine: options.mine,
                ...page,
              }),
            items => pipelinesTable(printer.palette, items),
          ),
        false,
      ),
    );

  command('inspect <pipeline>')
    .description(
      "a pipeline's phases (versions, digests) and edges (status and why)",
    )
    .option('--graph', 'as a small graph of phases and edges')
    .action(
      action(async ({ client, printer }, pipeline: string, options: any) => {
        const view = await client.getPipeline(pipeline);
        printer.result(view, () =>
          pipelineText(printer.palette, view, { graph: options.graph }),
        );
      }),
    );

  command('dora [pipeline]')
    .description(
      "DORA figures: a pipeline's (with its deployments), or with --owner every pipeline a team owns",
    )
    .option('--owner <ref...>', 'the pipelines of these groups or users')
    .option('--days <n>', 'the period: the last n days (30 by default)')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string | undefined,
          options: any,
        ) => {
          if (!pipeline === !options.owner) {
            throw new GluCliError(
              'Give a pipeline, or --owner for a team, one of them',
              ExitCode.usage,
            );
          }
          const days = options.days === undefined ? 30 : Number(options.days);
          if (!Number.isInteger(days) || days < 1 || days > 366) {
            throw new GluCliError(
              `--days must be a number of days from 1 to 366, not ${options.days}`,
              ExitCode.usage,
            );
          }
          const period = {
            from: new Date(Date.now() - days * 86_400_000),
            to: new Date(),
          };
          if (pipeline) {
            const dora = await client.getPipelineDora(pipeline, period);
            printer.result(dora, () => pipelineDoraText(printer.palette, dora));
          } else {
            const dora = await client.getOwnerDora(options.owner, period);
            printer.result(dora, () => ownerDoraText(printer.palette, dora));
          }
        },
      ),
    );

  withPaging(command('history <pipeline> <phase>'), '20')
    .description("a phase's history, newest first: what it held, who, when")
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: any,
        ) =>
          listed(
            printer,
            options,
            page => client.listHistory(pipeline, phase, page),
            items => historyTable(printer.palette, items),
          ),
      ),
    );

  command('diff <pipeline> <phase> [fromId] [toId]')
    .description(
      'what promoting into a phase would change; or, given two history ids, the difference between them',
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          fromId: string | undefined,
          toId: string | undefined,
          options: any,
        ) => {
          if (fromId !== undefined || toId !== undefined) {
            if (fromId === undefined || toId === undefined) {
              throw new GluCliError(
                'Give two history ids (glu history lists them), or none for what a promotion would change',
                ExitCode.usage,
              );
            }
            const diff = await client.diffHistory(pipeline, phase, {
              from: fromId,
              to: toId,
            });
            printer.result(diff, () =>
              diff.diff
                ? diffText(printer.palette, diff.diff)
                : printer.palette.dim('The file did not change.'),
            );
            return ExitCode.done;
          }
          const plan = await client.dryRunPromotion(pipeline, {
            phase,
            ...(options.from ? { from: options.from } : {}),
          });
          printer.result(plan, () => dryRunText(printer.palette, plan));
          return ExitCode.done;
        },
      ),
    );

  command('promote <pipeline> <phase>')
    .description(
      'promote the upstream version into a phase: shows the diff and the gates, then writes it',
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .option('--dry-run', 'only show what it would change')
    .option('--wait', 'wait until it is finished (a pull request merged)')
    .option('--wait-timeout <seconds>', 'how long --wait waits', '1800')
    .action(
      action(async (context, pipeline: string, phase: string, options: any) => {
        const request = {
          phase,
          ...(options.from ? { from: options.from } : {}),
        };
        return planAndWrite(
          context,
          options,
          () => context.client.dryRunPromotion(pipeline, request),
          () => context.client.promote(pipeline, request),
        );
      }),
    );

  command('rollback <pipeline> <phase> <historyId>')
    .description(
      'put a phase back in an earlier state of its history (glu history lists them)',
    )
    .option('--pin <reason>', 'and pin it there, with this reason')
    .option('--dry-run', 'only show what it would change')
    .option('--wait', 'wait until it is finished (a pull request merged)')
    .option('--wait-timeout <seconds>', 'how long --wait waits', '1800')
    .action(
      action(
        async (
          context,
          pipeline: string,
          phase: string,
          historyId: string,
          options: any,
        ) => {
          const request = {
            historyId,
            ...(options.pin ? { pin: { reason: options.pin } } : {}),
          };
          return planAndWrite(
            context,
            options,
            () => context.client.dryRunRollback(pipeline, phase, request),
            () => context.client.rollback(pipeline, phase, request),
          );
        },
      ),
    );

  command('pin <pipeline> <phase>')
    .description(
      'hold a phase at its version: automatic promotion leaves it alone',
    )
    .requiredOption('--reason <reason>', 'why, for the people who see it')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: any,
        ) => {
          const pin = await client.pinPhase(pipeline, phase, options.reason);
          printer.result(
            pin,
            () =>
              `Pinned ${phase} at ${pin.version} (${pin.pinnedBy}: ${pin.reason})`,
          );
        },
      ),
    );

  command('unpin <pipeline> <phase>')
    .description('release a pinned phase')
    .action(
      action(async ({ client, printer }, pipeline: string, phase: string) => {
        await client.unpinPhase(pipeline, phase);
        printer.result(
          { pipeline, phase, pinned: false },
          () => `Released ${phase}.`,
        );
      }),
    );

  command('approve <pipeline> <phase>')
    .description(
      'approve, for a phase, the version its upstream phase holds now',
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: any,
        ) => {
          const approval = await client.approve(
            pipeline,
            phase,
            options.from ? { from: options.from } : {},
          );
          printer.result(
            approval,
            () =>
              `Approved ${
                approval.version
              } for ${phase}; approved by ${approval.approvers.join(', ')}`,
          );
        },
      ),
    );

  command('publish <pipeline> <phase>')
    .description('publish a version to an api phase, as CI does after a build')
    .option('--version <version>', 'the version, e.g. 1.6.0')
    .option('--digest <digest>', 'its digest, e.g. sha256:…')
    .option(
      '--field <name=value...>',
      "fields of the phase's format, e.g. --field tag=1.6.0",
    )
    .option('--message <text>', 'what it is, e.g. the build that made it')
    .option(
      '--traceparent <context>',
      "CI's W3C trace context (TRACEPARENT): Glu's trace of the version continues it",
    )
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: any,
        ) => {
          const fields: Record<string, string> = {};
          for (const field of options.field ?? []) {
            const at = field.indexOf('=');
            if (at < 1) {
              throw new GluCliError(
                `--field takes name=value, not ${field}`,
                ExitCode.usage,
              );
            }
            fields[field.slice(0, at)] = field.slice(at + 1);
          }
          if (!options.version && !Object.keys(fields).length) {
            throw new GluCliError(
              'Give --version or at least one --field',
              ExitCode.usage,
            );
          }
          const traceparent: string | undefined =
            options.traceparent ?? process.env.TRACEPARENT;
          if (
            options.traceparent &&
            !/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}/.test(
              options.traceparent,
            )
          ) {
            throw new GluCliError(
              `--traceparent takes a W3C trace context (00-<trace id>-<span id>-<flags>), not ${options.traceparent}`,
              ExitCode.usage,
            );
          }
          const result = await client.publishVersion(
            pipeline,
            phase,
            {
              ...(options.version ? { version: options.version } : {}),
              ...(options.digest ? { digest: options.digest } : {}),
              ...(Object.keys(fields).length ? { fields } : {}),
              ...(options.message ? { message: options.message } : {}),
            },
            traceparent ? { traceparent } : {},
          );
          printer.result(
            result,
            () =>
              `${result.changed ? 'Published' : 'Already published'} ${
                result.state.version
              } to ${phase} (${result.state.digest})`,
          );
        },
      ),
    );

  command('refresh <pipeline>')
    .description("look at a pipeline's sources now")
    .action(
      action(async ({ client, printer }, pipeline: string) => {
        const view = await client.refreshPipeline(pipeline);
        printer.result(view, () => pipelineText(printer.palette, view));
      }),
    );

  command('watch <pipeline>')
    .description('follow a pipeline live: its phases and edges as they change')
    .option('--interval <seconds>', 'how often to look', '2')
    .option('--graph', 'as a small graph of phases and edges')
    .action(
      action(async ({ client, printer }, pipeline: string, options: any) => {
        const interval = secondsOf(options.interval, '--interval');
        let stop = false;
        process.once('SIGINT', () => {
          stop = true;
        });
        process.once('SIGTERM', () => {
          stop = true;
        });
        let last = '';
        const redraw = printer.format === 'table' && process.stdout.isTTY;
        while (!stop) {
          const view: PipelineView = await client.getPipeline(pipeline);
          const text = JSON.stringify(view);
          if (text !== last) {
            last = text;
            if (printer.format !== 'table') {
              // One document per change, for scripts (JSON lines).
              process.stdout.write(
                printer.format === 'json'
                  ? `${JSON.stringify(view)}\n`
                  : `---\n${stringify(view)}`,
              );
            } else {
              if (redraw) process.stdout.write('\x1b[2J\x1b[H');
              const body = options.graph
                ? graphText(printer.palette, view)
                : pipelineText(printer.palette, view);
              process.stdout.write(
                `${printer.palette.dim(new Date().toISOString())}\n${body}\n\n`,
              );
            }
          }
          const until = Date.now() + interval * 1000;
          while (!stop && Date.now() < until) {
            await new Promise(resolve => setTimeout(resolve, 100));
          }
        }
      }),
    );

  return program;
}

/** Runs `glu` with the arguments of the process. */
export async function main(argv: string[], version: string): Promise<void> {
  const program = createProgram(version);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? ExitCode.done : ExitCode.usage;
      return;
    }
    throw error;
  }
}
