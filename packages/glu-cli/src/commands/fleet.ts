/*
 * The fleet: `glu fleet` shows every pipeline and what each environment
 * holds; `glu fleet diff` compares two environments across the fleet and,
 * with --promote, promotes each pipeline that may be, each through its own
 * gates and permissions.
 */
import {
  FleetDiff,
  FleetDiffItem,
  FleetOptions,
  FleetPage,
  FleetPromotionRequest,
  FleetPromotionResult,
  GluClient,
} from '@glu-dev/plugin-glu-common';
import { Command } from 'commander';
import readline from 'node:readline';
import { action, AddCommand, CommandContext, subcommandsOf } from '../action';
import { answerOf, ExitCode, explainAnswer, GluCliError } from '../exits';
import {
  fleetCsv,
  fleetDiffCsv,
  fleetDiffTable,
  fleetTable,
  Outcome,
  outcomesSummary,
  outcomesText,
} from '../fleetViews';
import { ALL_FORMATS } from '../output';
import { everyPage } from '../paging';

/** The largest page the API gives: the fleet is read a page at a time. */
const PAGE = 1000;
/** The most promotions the API takes in one request. */
const BATCH = 100;

type Filters = { owner?: string[]; mine?: boolean; system?: string[] };

/** The options that choose which pipelines of the fleet. */
function withFilters(command: Command): Command {
  return command
    .option('--owner <ref...>', 'owned by any of these users or groups')
    .option('--mine', 'owned by you or one of your groups (a user token)')
    .option(
      '--system <ref...>',
      'part of any of these systems, e.g. system:default/shop',
    );
}

/**
 * The filters of `glu fleet diff`, with those given before `diff` (`glu
 * fleet --mine diff a b`): a diff never covers more than was asked.
 */
function withParentFilters(options: Filters, parent: Filters = {}): Filters {
  return {
    owner: [...(parent.owner ?? []), ...(options.owner ?? [])],
    mine: Boolean(parent.mine || options.mine),
    system: [...(parent.system ?? []), ...(options.system ?? [])],
  };
}

function fleetOptionsOf(options: Filters): FleetOptions {
  return {
    ...(options.owner?.length ? { owner: options.owner } : {}),
    ...(options.mine ? { mine: true } : {}),
    ...(options.system?.length ? { system: options.system } : {}),
  };
}

/**
 * The environments of several pages as one list: each page gives its own
 * upstream first, and one that a page adds goes after the one before it
 * there.
 */
export function mergeEnvironments(lists: string[][]): string[] {
  const merged: string[] = [];
  for (const list of lists) {
    let at = 0;
    for (const environment of list) {
      const index = merged.indexOf(environment);
      if (index >= 0) {
        at = index + 1;
      } else {
        merged.splice(at, 0, environment);
        at += 1;
      }
    }
  }
  return merged;
}

/** The whole fleet (of the filters), every page read. */
async function wholeFleet(
  client: GluClient,
  filters: FleetOptions,
): Promise<FleetPage> {
  const pages = await everyPage(cursor =>
    client.getFleet({ ...filters, limit: PAGE, ...(cursor ? { cursor } : {}) }),
  );
  return {
    environments: mergeEnvironments(pages.map(page => page.environments)),
    items: pages.flatMap(page => page.items),
  };
}

/** Where `to` lags `from` across the fleet, every page read. */
async function wholeDiff(
  client: GluClient,
  environments: { from: string; to: string },
  filters: FleetOptions,
): Promise<FleetDiff> {
  const pages = await everyPage(cursor =>
    client.diffFleet(environments, {
      ...filters,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    }),
  );
  return { ...environments, items: pages.flatMap(page => page.items) };
}

/**
 * Whether a person says yes to a question on a terminal (`y` or `yes`);
 * no when the input ends first or they press Ctrl-C.
 */
export function ask(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  return new Promise(resolve => {
    const prompt = readline.createInterface({ input, output });
    let answered = false;
    // Ctrl-C on the question: no.
    prompt.on('SIGINT', () => prompt.close());
    prompt.on('close', () => {
      if (!answered) output.write('\n');
      resolve(false);
    });
    prompt.question(question, answer => {
      answered = true;
      resolve(/^\s*y(es)?\s*$/i.test(answer));
      prompt.close();
    });
  });
}

/**
 * Promotes each item, a batch of requests at a time, and says what each
 * did, in order. A batch refused as a whole after others were made counts
 * as refused item by item, so that what was made is still told.
 */
async function promoteAll(
  client: GluClient,
  items: FleetDiffItem[],
): Promise<FleetPromotionResult[]> {
  const results: FleetPromotionResult[] = [];
  for (let start = 0; start < items.length; start += BATCH) {
    const batch: FleetPromotionRequest[] = items
      .slice(start, start + BATCH)
      .map(item => ({
        pipeline: item.pipeline.ref,
        phase: item.to.phase,
        from: item.from.phase,
      }));
    try {
      results.push(...(await client.promoteFleet(batch)).items);
    } catch (error) {
      const answer = answerOf(error);
      if (!answer || results.length === 0) throw error;
      const refusal = {
        name: 'ResponseError',
        message: answer.message,
        statusCode: answer.status,
      };
      results.push(...batch.map(request => ({ ...request, error: refusal })));
    }
  }
  return results;
}

/** What each promotion did, a refusal in words, and the exit code of all. */
async function outcomesOf(
  context: CommandContext,
  items: FleetDiffItem[],
  results: FleetPromotionResult[],
): Promise<{ outcomes: Outcome[]; exitCode: number }> {
  let exitCode: number = ExitCode.done;
  const outcomes: Outcome[] = [];
  for (const [index, result] of results.entries()) {
    const item = items[index];
    if (result.error) {
      const { statusCode, message } = result.error;
      const { promotionId } = result.error as { promotionId?: unknown };
      const refusal = await explainAnswer(
        {
          status: statusCode,
          message,
          ...(typeof promotionId === 'string' ? { promotionId } : {}),
        },
        {
          url: context.connection.url,
          timeoutSeconds: context.connection.timeoutSeconds,
          pipeline: result.pipeline,
          ownerOf: async () => ({
            ref: item?.pipeline.ref ?? result.pipeline,
            owner: item?.pipeline.owner ?? '?',
          }),
        },
      );
      outcomes.push({ result, refusal: refusal.message });
      if (exitCode === ExitCode.done) exitCode = refusal.exitCode;
    } else {
      outcomes.push({ result });
      if (exitCode === ExitCode.done && result.promotion?.status === 'failed') {
        exitCode = ExitCode.failed;
      }
    }
  }
  return { outcomes, exitCode };
}

type DiffOptions = Filters & { promote?: boolean; yes?: boolean };

/**
 * `glu fleet diff`: the pipelines where `to` lags `from`; with --promote,
 * the plan for people (on stderr), then each promotable one promoted.
 */
async function diffAndPromote(
  context: CommandContext,
  from: string,
  to: string,
  options: DiffOptions,
): Promise<number> {
  const { client, printer } = context;
  if (options.yes && !options.promote) {
    throw new GluCliError('--yes goes with --promote', ExitCode.usage);
  }
  // Refused before anything is read: a script must say so.
  if (options.promote && !options.yes && !process.stdin.isTTY) {
    throw new GluCliError(
      '--promote asks before it promotes, and there is no terminal to ask on: give --yes to promote without asking',
      ExitCode.usage,
    );
  }
  const diff = await wholeDiff(client, { from, to }, fleetOptionsOf(options));
  const human = () => fleetDiffTable(printer.palette, diff);
  if (!options.promote) {
    printer.result(diff, human, () => fleetDiffCsv(diff));
    return ExitCode.done;
  }
  const promotable = diff.items.filter(item => item.promotable);
  const nothing = (text: string) => {
    printer.result(
      { ...diff, promotions: [] },
      () => printer.palette.dim(text),
      () => fleetDiffCsv(diff, new Map()),
    );
    return ExitCode.done;
  };
  // The plan, for people; what was done goes to stdout.
  printer.note(human());
  if (promotable.length === 0) return nothing('Nothing to promote.');
  if (printer.format === 'table') printer.note('');
  const count = `${promotable.length} pipeline${
    promotable.length === 1 ? '' : 's'
  }`;
  if (
    !options.yes &&
    !(await ask(`Promote ${count} from ${from} into ${to}? [y/N] `))
  ) {
    return nothing('Nothing promoted.');
  }
  const results = await promoteAll(client, promotable);
  const { outcomes, exitCode } = await outcomesOf(context, promotable, results);
  const byItem = new Map(
    outcomes.map((outcome, index) => [promotable[index], outcome]),
  );
  printer.result(
    { ...diff, promotions: results },
    () => outcomesText(printer.palette, outcomes),
    () => fleetDiffCsv(diff, byItem),
  );
  printer.note(outcomesSummary(outcomes));
  return exitCode;
}

export function addFleet(command: AddCommand): void {
  const fleet = withFilters(command('fleet', ALL_FORMATS))
    .description(
      'every pipeline, and what it holds in each environment: the version, and whether it is behind, pinned, blocked…; `glu fleet diff` compares two environments',
    )
    .action(
      action(async ({ client, printer }, options: Filters) => {
        const page = await wholeFleet(client, fleetOptionsOf(options));
        printer.result(
          page,
          () => fleetTable(printer.palette, page),
          () => fleetCsv(page),
        );
      }, false),
    );
  const subcommand = subcommandsOf(fleet);
  const diffAction = action(
    (context, from: string, to: string, options: DiffOptions) =>
      diffAndPromote(context, from, to, options),
    false,
  );

  withFilters(subcommand('diff <from> <to>', ALL_FORMATS))
    .description(
      'the pipelines where environment <to> lags <from> (e.g. staging production): the versions, the lag, and whether each may be promoted now or why not; --promote promotes those that may',
    )
    .option(
      '--promote',
      'promote each that may be, each through its own gates and permissions (asks first on a terminal)',
    )
    .option('--yes', 'with --promote: promote without asking')
    .action((from: string, to: string, options: DiffOptions, diff: Command) =>
      diffAction(
        from,
        to,
        { ...options, ...withParentFilters(options, diff.parent?.opts()) },
        diff,
      ),
    );
}
