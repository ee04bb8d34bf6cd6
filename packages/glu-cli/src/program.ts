/*
 * The `glu` program: its description, help and options, and its commands
 * in the order its help lists them; each command lives in commands/.
 */
import { Command, CommanderError } from 'commander';
import { AddCommand, withConnectionOptions } from './action';
import { addApprove, addRequest } from './commands/approvals';
import { addDora } from './commands/dora';
import { addFleet } from './commands/fleet';
import { addFreeze } from './commands/freeze';
import { addDiff, addHistory } from './commands/history';
import { addPin, addUnpin } from './commands/phases';
import {
  addInspect,
  addPipelines,
  addRefresh,
  addWatch,
} from './commands/pipelines';
import { addPromote, addRollback } from './commands/promote';
import { addPublish } from './commands/publish';
import { addQuarantine } from './commands/quarantine';
import { ExitCode } from './exits';
import { ALL_FORMATS } from './output';

const HELP_AFTER = `
Where and who, as flags or in the environment
  --url / GLU_URL             the Backstage backend, e.g. https://backstage.example.com
  --token / GLU_TOKEN         a Backstage token: a user's, or a static one for CI
  --token-file / GLU_TOKEN_FILE
                              a file that holds the token

  CI: a static token from backend.auth.externalAccess in app-config.yaml.
  A person: "Use from a terminal" on the Pipelines page shows your token, or ask
  Backstage for it (GET /api/auth/<provider>/refresh in a signed-in browser).

Exit codes
  0  done, or nothing to do
  1  error: Backstage or the network failed, or the thing is not there
  2  usage: wrong arguments, or input that Glu refused
  3  blocked: a gate, a pin, a freeze, a quarantine or a promotion under way
     holds it back
  4  not allowed: no valid token, or the permission policy (or an edge's
     approval policy) says no
`;

/** `glu`, its options and its commands. */
export function createProgram(version: string): Command {
  const program = withConnectionOptions(
    new Command('glu')
      .description(
        'The state of Glu pipelines and their promotions, from a terminal or CI.',
      )
      .version(version)
      .enablePositionalOptions(),
    ALL_FORMATS,
  )
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(glu --help shows every command)')
    .exitOverride();
  const command: AddCommand = (nameAndArgs, formats) =>
    withConnectionOptions(program.command(nameAndArgs), formats).exitOverride();

  addPipelines(command);
  addFleet(command);
  addInspect(command);
  addDora(command);
  addHistory(command);
  addDiff(command);
  addPromote(command);
  addRollback(command);
  addPin(command);
  addUnpin(command);
  addApprove(command);
  addRequest(command);
  addFreeze(command);
  addQuarantine(command);
  addPublish(command);
  addRefresh(command);
  addWatch(command);
  return program;
}

/** Runs `glu` with the arguments of the process. */
export async function main(argv: string[], version: string): Promise<void> {
  const program = createProgram(version);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? ExitCode.done : ExitCode.usage;
      return;
    }
    throw error;
  }
}
