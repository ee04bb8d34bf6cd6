/*
 * How a command runs: the options every command takes (where, who, how long
 * and how to print), and running its work with a connection and a printer,
 * turning a failure into a message that says what to do and an exit code.
 */
import { GluClient } from '@glu-dev/plugin-glu-common';
import { Command, Option } from 'commander';
import { connect, Connection, ConnectionOptions } from './connection';
import { ExitCode, explain } from './exits';
import { Format, formatOf, FORMATS, Printer } from './output';

type GlobalOptions = ConnectionOptions & { output?: string; color: boolean };

/**
 * Adds a command to `glu`, with the options every command takes; `formats`
 * are those it prints (by default table, JSON and YAML).
 */
export type AddCommand = (nameAndArgs: string, formats?: Format[]) => Command;

/** What a command's work is given. */
export type CommandContext = {
  connection: Connection;
  printer: Printer;
  client: GluClient;
};

/**
 * The options of every command: where, who, how long and how to print.
 * They go before the command or after it (`glu -o json pipelines`, `glu
 * pipelines -o json`), so that a command's own options, such as publish's
 * `--version`, are its own.
 */
export function withConnectionOptions(
  command: Command,
  formats: Format[] = FORMATS,
): Command {
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
        formats,
      ),
    )
    .option('--no-color', 'no colours, even on a terminal');
}

/**
 * Adds a command under a group of commands (`glu freeze list`), with the
 * options every command takes.
 */
export function subcommandsOf(group: Command): AddCommand {
  return (nameAndArgs, formats) =>
    withConnectionOptions(group.command(nameAndArgs), formats).exitOverride();
}

/**
 * The connection options, given before the command or after it (or, for a
 * command in a group, after the group's name): the nearest one counts.
 */
function globalsOf(command: Command): GlobalOptions {
  const levels: GlobalOptions[] = [];
  for (let c: Command | null = command; c; c = c.parent) {
    levels.push(c.opts() as GlobalOptions);
  }
  const nearest = <K extends keyof GlobalOptions>(key: K) =>
    levels.find(level => level[key] !== undefined)?.[key];
  return {
    url: nearest('url'),
    token: nearest('token'),
    tokenFile: nearest('tokenFile'),
    timeout: nearest('timeout'),
    output: nearest('output'),
    color: levels.every(level => level.color !== false),
  };
}

/** The formats a command prints: the choices of its `-o`. */
function formatsOf(command: Command): readonly string[] {
  return (
    command.options.find(option => option.long === '--output')?.argChoices ??
    FORMATS
  );
}

/**
 * Runs one command: connects, prints what it returns, and turns a failure
 * into a message that says what to do and the exit code it calls for.
 */
export function action<A extends unknown[]>(
  work: (context: CommandContext, ...args: A) => Promise<number | void>,
  /**
   * Whether the command's first argument is its pipeline, or where else its
   * pipeline is (an option), for what a refusal says to do.
   */
  pipelineArg: boolean | ((...args: A) => string | undefined) = true,
  hints: { notFound?: string } = {},
) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = globalsOf(command);
    let connection: Connection | undefined;
    try {
      // `glu -o csv pipelines`: -o before the command takes every format.
      const printer = new Printer(
        formatOf(globals.output, formatsOf(command)),
        process.stdout,
        process.stderr,
        globals.color,
      );
      connection = connect(globals);
      const code = await work(
        { connection, printer, client: connection.client },
        ...(args.slice(0, -1) as A),
      );
      process.exitCode = code ?? ExitCode.done;
    } catch (error) {
      const given = args.slice(0, -1) as A;
      let pipeline: string | undefined;
      if (typeof pipelineArg === 'function') {
        pipeline = pipelineArg(...given);
      } else if (pipelineArg && typeof args[0] === 'string') {
        pipeline = args[0];
      }
      const explained = await explain(error, {
        url: connection?.url ?? globals.url ?? process.env.GLU_URL ?? '',
        timeoutSeconds: connection?.timeoutSeconds ?? 30,
        pipeline,
        notFound: hints.notFound,
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
