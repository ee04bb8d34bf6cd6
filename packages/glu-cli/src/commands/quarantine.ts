/*
 * Quarantined versions, which nobody may promote again: `glu quarantine
 * list` shows those in force with the phases that hold them, `glu
 * quarantine add` quarantines a version of a pipeline (or a digest in every
 * pipeline), rolling back the phases that hold it when asked, and `glu
 * quarantine lift` lifts one.
 */
import {
  parsePipelineRef,
  QuarantineRequest,
} from '@glu-dev/plugin-glu-common';
import { action, AddCommand, subcommandsOf } from '../action';
import { ExitCode, GluCliError } from '../exits';
import { quarantinesTable, quarantineText } from '../quarantineViews';

const LIST_HINT = '`glu quarantine list` lists the quarantines.';

type AddOptions = {
  reason: string;
  pipeline?: string;
  version?: string;
  digest?: string;
  rollback?: boolean;
};

/** A pipeline in full, `pipeline:default/checkout`, or a usage error. */
function pipelineRefOf(ref: string): string {
  const { namespace, name } = parsePipelineRef(ref);
  return `pipeline:${namespace}/${name}`;
}

/** The request of `glu quarantine add`, checked before anything is sent. */
export function quarantineRequestOf(options: AddOptions): QuarantineRequest {
  if (!options.reason.trim()) {
    throw new GluCliError(
      '--reason takes why nobody may promote the version again',
      ExitCode.usage,
    );
  }
  if (!options.version && !options.digest) {
    throw new GluCliError(
      'Give the version to quarantine: --pipeline with --version or --digest, or --digest alone for a digest in every pipeline',
      ExitCode.usage,
    );
  }
  if (options.version && !options.pipeline) {
    throw new GluCliError(
      `--version names a version of one pipeline: give --pipeline too, or --digest alone for a digest in every pipeline`,
      ExitCode.usage,
    );
  }
  return {
    reason: options.reason,
    ...(options.pipeline ? { pipeline: pipelineRefOf(options.pipeline) } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.digest ? { digest: options.digest } : {}),
    ...(options.rollback ? { rollback: true } : {}),
  };
}

export function addQuarantine(command: AddCommand): void {
  const group = command('quarantine').description(
    'quarantined versions, which nobody may promote again: list them, add one, lift one',
  );
  const subcommand = subcommandsOf(group);

  subcommand('list')
    .description(
      'the quarantines in force, newest first, with the phases that hold their versions now',
    )
    .option(
      '--pipeline <ref>',
      'only those that apply to this pipeline, e.g. default/checkout (or checkout)',
    )
    .action(
      action(
        async ({ client, printer }, options: { pipeline?: string }) => {
          const items = await client.listQuarantines(
            options.pipeline
              ? { pipeline: pipelineRefOf(options.pipeline) }
              : {},
          );
          printer.result({ items }, () =>
            quarantinesTable(printer.palette, items),
          );
        },
        options => options.pipeline,
      ),
    );

  subcommand('add')
    .description(
      'quarantine a version so that nothing promotes it again: of one pipeline (--pipeline with --version or --digest, needs glu.pipeline.quarantine), or a digest in every pipeline (--digest alone, needs glu.quarantine.manage)',
    )
    .requiredOption('--reason <text>', 'why, for the people it holds back')
    .option(
      '--pipeline <ref>',
      'the pipeline, e.g. default/checkout (or checkout); without it, the digest in every pipeline',
    )
    .option('--version <v>', "the version's name in the pipeline, e.g. 1.4.2")
    .option('--digest <d>', 'the digest, e.g. sha256:4f1c…')
    .option(
      '--rollback',
      'roll back each writable phase that holds it to what it held before, pinned there',
    )
    .action(
      action(
        async ({ client, printer }, options: AddOptions) => {
          const quarantine = await client.quarantine(
            quarantineRequestOf(options),
          );
          printer.result(quarantine, () =>
            quarantineText(printer.palette, quarantine),
          );
          // It is in force; a rollback that was tried and failed is told.
          return quarantine.rollbacks?.some(r => r.status === 'failed')
            ? ExitCode.failed
            : ExitCode.done;
        },
        options => options.pipeline,
      ),
    );

  subcommand('lift <id>')
    .description(
      'lift a quarantine: its version may be promoted again (pins that its rollbacks set stay until unpinned)',
    )
    .action(
      action(
        async ({ client, printer }, id: string) => {
          await client.liftQuarantine(id);
          printer.result(
            { id, lifted: true },
            () => `Lifted quarantine ${id}.`,
          );
        },
        false,
        { notFound: LIST_HINT },
      ),
    );
}
