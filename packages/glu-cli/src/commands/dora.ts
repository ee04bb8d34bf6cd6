/*
 * `glu dora`: the DORA figures of a pipeline, or of every pipeline a team
 * owns, over the last days.
 */
import { action, AddCommand } from '../action';
import { ExitCode, GluCliError } from '../exits';
import { ownerDoraText, pipelineDoraText } from '../views';

export function addDora(command: AddCommand): void {
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
}
