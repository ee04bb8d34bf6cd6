/*
 * Freezes, which stop the line: `glu freeze list` shows those that hold
 * promotions now or will, `glu freeze set` sets one over what it covers,
 * and `glu freeze lift` lifts it. A promotion goes through a freeze only as
 * a hotfix (`glu promote --hotfix`).
 */
import { FreezeRequest, FreezeScope } from '@glu-dev/plugin-glu-common';
import { action, AddCommand, subcommandsOf } from '../action';
import { ExitCode, GluCliError } from '../exits';
import { instantOf } from '../times';
import { freezesTable, freezeText } from '../views';

const LIST_HINT = '`glu freeze list` lists the freezes.';

type SetOptions = {
  reason: string;
  owner?: string[];
  pipeline?: string[];
  phase?: string[];
  namespace?: string[];
  from?: string;
  until?: string;
  rollbacks?: boolean;
};

/** The request of `glu freeze set`, checked before anything is sent. */
export function freezeRequestOf(
  options: SetOptions,
  now = Date.now(),
): FreezeRequest {
  const scope: FreezeScope = {};
  if (options.namespace?.length) scope.namespaces = options.namespace;
  if (options.owner?.length) scope.owners = options.owner;
  // Glu puts refs in full: checkout is pipeline:default/checkout.
  if (options.pipeline?.length) scope.pipelines = options.pipeline;
  if (options.phase?.length) scope.phases = options.phase;
  const startsAt = options.from
    ? instantOf(options.from, '--from', { at: now, what: 'now' })
    : undefined;
  const start = startsAt ? Date.parse(startsAt) : now;
  const endsAt = options.until
    ? instantOf(options.until, '--until', {
        at: start,
        what: options.from ? 'its start (--from)' : 'now',
      })
    : undefined;
  if (endsAt && Date.parse(endsAt) <= start) {
    throw new GluCliError(
      `--until (${endsAt}) is not after the freeze starts (${new Date(
        start,
      ).toISOString()})`,
      ExitCode.usage,
    );
  }
  return {
    reason: options.reason,
    ...(Object.keys(scope).length ? { scope } : {}),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
    ...(options.rollbacks ? { rollbacks: true } : {}),
  };
}

export function addFreeze(command: AddCommand): void {
  const group = command('freeze').description(
    'freezes, which stop the line: list them, set one, lift one',
  );
  const subcommand = subcommandsOf(group);

  subcommand('list')
    .description(
      'the freezes that hold promotions now or will, active ones first',
    )
    .action(
      action(async ({ client, printer }) => {
        const items = await client.listFreezes();
        printer.result({ items }, () => freezesTable(printer.palette, items));
      }, false),
    );

  subcommand('set')
    .description(
      'set a freeze: promotions into the phases it covers wait until it ends or is lifted; every part of the scope given must match, and with none it covers every pipeline',
    )
    .requiredOption('--reason <text>', 'why, for the people it holds back')
    .option(
      '--owner <ref...>',
      'pipelines owned by these groups or users, e.g. group:default/team-checkout (or team-checkout)',
    )
    .option(
      '--pipeline <ref...>',
      'these pipelines, e.g. default/checkout (or checkout)',
    )
    .option('--phase <name...>', 'only phases of these names, e.g. production')
    .option('--namespace <ns...>', 'pipelines in these catalog namespaces')
    .option(
      '--from <time>',
      'when it starts: a time, e.g. 2026-12-24T18:00:00Z, or a duration from now, e.g. 2h (by default now)',
    )
    .option(
      '--until <time>',
      'when it ends by itself: a time, or a duration after it starts, e.g. 2h (by default when it is lifted)',
    )
    .option('--rollbacks', 'hold rollbacks too (by default they go through)')
    .action(
      action(async ({ client, printer }, options: SetOptions) => {
        const freeze = await client.setFreeze(freezeRequestOf(options));
        printer.result(freeze, () => freezeText(printer.palette, freeze));
      }, false),
    );

  subcommand('lift <id>')
    .description(
      'lift a freeze set at run time; promotions that waited for it go on (one from app-config is changed there)',
    )
    .action(
      action(
        async ({ client, printer }, id: string) => {
          await client.liftFreeze(id);
          printer.result({ id, lifted: true }, () => `Lifted freeze ${id}.`);
        },
        false,
        { notFound: LIST_HINT },
      ),
    );
}
