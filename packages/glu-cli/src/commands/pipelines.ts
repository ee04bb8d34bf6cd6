/*
 * The state of pipelines: `glu pipelines` lists them, `glu inspect` shows
 * one, `glu refresh` looks at its sources now and `glu watch` follows it.
 */
import { PipelineSummary, PipelineView } from '@glu-dev/plugin-glu-common';
import { stringify } from 'yaml';
import { action, AddCommand } from '../action';
import { secondsOf } from '../exits';
import { listed, withPaging } from '../paging';
import { graphText, pipelinesTable, pipelineText } from '../views';

export function addPipelines(command: AddCommand): void {
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
}

export function addInspect(command: AddCommand): void {
  command('inspect <pipeline>')
    .description(
      "a pipeline's phases (versions, digests) and edges (status and why)",
    )
    .option('--graph', 'as a small graph of phases and edges')
    .action(
      action(async ({ client, printer }, pipeline: string, options: any) => {
        const [view, refresh] = await Promise.all([
          client.getPipeline(pipeline),
          printer.format === 'table' && !options.graph
            ? client.getPipelineRefresh(pipeline)
            : undefined,
        ]);
        printer.result(view, () =>
          pipelineText(printer.palette, view, {
            graph: options.graph,
            refresh,
          }),
        );
      }),
    );
}

export function addRefresh(command: AddCommand): void {
  command('refresh <pipeline>')
    .description("look at a pipeline's sources now")
    .action(
      action(async ({ client, printer }, pipeline: string) => {
        const view = await client.refreshPipeline(pipeline);
        const refresh =
          printer.format === 'table'
            ? await client.getPipelineRefresh(pipeline)
            : undefined;
        printer.result(view, () =>
          pipelineText(printer.palette, view, { refresh }),
        );
      }),
    );
}

export function addWatch(command: AddCommand): void {
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
}
