/*
 * A phase's history: `glu history` lists what it held, and `glu diff` shows
 * what a promotion would change or how two of its states differ.
 */
import { action, AddCommand } from '../action';
import { ExitCode, GluCliError } from '../exits';
import { listed, withPaging } from '../paging';
import { diffText, dryRunText, historyTable } from '../views';

export function addHistory(command: AddCommand): void {
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
}

export function addDiff(command: AddCommand): void {
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
}
