/*
 * What people decide about a phase: `glu pin` holds it at its version,
 * `glu unpin` releases it (`glu approve` is in approvals.ts).
 */
import { action, AddCommand } from '../action';

export function addPin(command: AddCommand): void {
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
}

export function addUnpin(command: AddCommand): void {
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
}
