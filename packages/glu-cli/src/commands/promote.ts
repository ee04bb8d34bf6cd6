/*
 * The writes that move a phase: `glu promote` and `glu rollback`. Each shows
 * what it would change and the gates first, then writes unless it is a dry
 * run or blocked, and with --wait follows the promotion until it finishes.
 */
import {
  GluClient,
  Promotion,
  PromotionDryRun,
} from '@glu-dev/plugin-glu-common';
import ora from 'ora';
import { action, AddCommand } from '../action';
import { ExitCode, GluCliError, secondsOf } from '../exits';
import { Printer } from '../output';
import { dryRunText, promotionLine } from '../views';

/** The statuses a promotion does not leave. */
const FINISHED = new Set<Promotion['status']>([
  'succeeded',
  'up-to-date',
  'failed',
  'closed',
  'superseded',
]);

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

export function addPromote(command: AddCommand): void {
  command('promote <pipeline> <phase>')
    .description(
      'promote the upstream version into a phase: shows the diff and the gates, then writes it',
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .option(
      '--hotfix <reason>',
      'go through the freezes that hold the phase, with this reason (needs glu.pipeline.hotfix); every other gate still applies',
    )
    .option('--dry-run', 'only show what it would change')
    .option('--wait', 'wait until it is finished (a pull request merged)')
    .option('--wait-timeout <seconds>', 'how long --wait waits', '1800')
    .action(
      action(async (context, pipeline: string, phase: string, options: any) => {
        if (options.hotfix !== undefined && !options.hotfix.trim()) {
          throw new GluCliError(
            '--hotfix takes the reason for going through the freezes',
            ExitCode.usage,
          );
        }
        // The plan of a hotfix is decided through the freezes, as its write.
        const request = {
          phase,
          ...(options.from ? { from: options.from } : {}),
          ...(options.hotfix ? { hotfix: { reason: options.hotfix } } : {}),
        };
        return planAndWrite(
          context,
          options,
          () => context.client.dryRunPromotion(pipeline, request),
          () => context.client.promote(pipeline, request),
        );
      }),
    );
}

export function addRollback(command: AddCommand): void {
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
}
