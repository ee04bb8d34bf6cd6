/*
 * `glu publish`: CI tells an `api` phase about a version it built, with the
 * fields of the phase's format and CI's trace context.
 */
import { action, AddCommand } from '../action';
import { ExitCode, GluCliError } from '../exits';

export function addPublish(command: AddCommand): void {
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
      '--author <user>',
      'who made it, e.g. alice, user:default/alice or an email: an approval policy may keep them from approving it',
    )
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
              ...(options.author ? { author: options.author } : {}),
            },
            traceparent ? { traceparent } : {},
          );
          printer.result(
            result,
            () =>
              `${result.changed ? 'Published' : 'Already published'} ${
                result.state.version
              } to ${phase} (${result.state.digest})${
                result.state.author ? `, made by ${result.state.author}` : ''
              }`,
          );
        },
      ),
    );
}
