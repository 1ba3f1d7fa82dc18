/**
 * The `tfexp` command line: wiring only. One command per file under
 * `commands/`; this is the one place where errors become exit codes:
 * 0 ok, 1 run failed or unexpected error, 2 bad input, 130 interrupted.
 *
 * Start-up stays fast (issue 13): this file and the command definitions import only
 * yargs and small modules; each handler imports what it needs (tfjs, the backends,
 * vega, resvg, ...) when it runs, so `--help` never loads them and `validate` loads
 * only the config and the planner. test/cli/startup.test.ts holds it to that.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { ExitCode, TfexpError, UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { benchCommand } from './commands/bench.js';
import { compareCommand } from './commands/compare.js';
import { dataCommand } from './commands/data.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { predictCommand } from './commands/predict.js';
import { renderCommand } from './commands/render.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { summaryCommand } from './commands/summary.js';
import { sweepCommand } from './commands/sweep.js';
import { uiCommand } from './commands/ui.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { output } from './output.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS = [
  runCommand,
  resumeCommand,
  compareCommand,
  evaluateCommand,
  predictCommand,
  uiCommand,
  validateCommand,
  summaryCommand,
  renderCommand,
  dataCommand,
  doctorCommand,
  benchCommand,
  workerCommand,
  sweepCommand,
];

/**
 * yargs's "Not enough non-option arguments: got 0, need at least 1" for `tfexp summary`,
 * reworded to name the missing argument and show the command's usage line; undefined for
 * other failures.
 */
function missingArgument(msg: string | undefined, argv: readonly string[]): string | undefined {
  const got = /^Not enough non-option arguments: got (\d+)/.exec(msg ?? '')?.[1];
  if (got === undefined) return undefined;
  // The command is the first word that names one (options and their values may come first).
  const usage = argv.map((word) => COMMANDS.find((c) => String(c.command).split(' ')[0] === word)).find((c) => c !== undefined)?.command;
  if (usage === undefined) return undefined;
  const [name = '', ...positionals] = String(usage).split(' ');
  const missing = positionals.filter((p) => p.startsWith('<'))[Number(got)];
  return missing === undefined ? undefined : message.missingArgument(name, missing, String(usage));
}

/**
 * Runs the CLI on `argv` (without `node` and the script path).
 * @returns the process exit code; never calls process.exit.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await yargs([...argv])
      .scriptName('tfexp')
      // yargs translates its messages from LANG/LC_ALL; missingArgument matches the English text.
      .locale('en')
      .usage('$0 <command> [options]\n\nDeclarative deep-learning experiments for TensorFlow.js.')
      .command(COMMANDS as never) // each module has its own argument type
      .demandCommand(1, 'Name a command.')
      .recommendCommands()
      .strict()
      .help()
      .alias('h', 'help')
      .version()
      .alias('V', 'version')
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        const missing = missingArgument(msg, argv);
        if (missing !== undefined) throw new UsageError(missing);
        // recommendCommands() reports an unknown command as just "Did you mean X?", and strict() one
        // with no near miss as "Unknown argument: X": both say it is a command, and list the commands.
        const first = argv[0];
        const names = COMMANDS.map((c) => String(c.command).split(' ')[0]!);
        const unknownCommand = first !== undefined && !first.startsWith('-') && !names.includes(first);
        const text = !unknownCommand
          ? msg
          : msg?.startsWith('Did you mean')
            ? `unknown command "${first}". ${msg}`
            : message.unknownCommand(first, names);
        throw new UsageError(`${text}\nSee tfexp --help.`);
      })
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .parseAsync();
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof TfexpError) {
      output.err(`${error.message}\n`);
      return error.exitCode;
    }
    output.err(`tfexp: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.failed;
  }
}

// Run when executed directly (`tsx src/cli/main.ts ...`), not when imported by bin/tfexp.js or tests.
// Compared as resolved file URLs, so paths with spaces or symlinks (a bundle's launcher) match too.
if (import.meta.url === scriptUrl(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}

/** The file URL of the script node was started with, or null (none, or not a file: `node -e`). */
function scriptUrl(script: string | undefined): string | null {
  try {
    return script === undefined ? null : pathToFileURL(realpathSync(script)).href;
  } catch {
    return null;
  }
}
