/**
 * The `tfexp` command line: wiring only. One command per file under
 * `commands/`; this is the one place where errors become exit codes:
 * 0 ok, 1 run failed or unexpected error, 2 bad input, 130 interrupted.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { ExitCode, TfexpError, UsageError } from '../errors.js';
import { benchCommand } from './commands/bench.js';
import { compareCommand } from './commands/compare.js';
import { dataCommand } from './commands/data.js';
import { doctorCommand } from './commands/doctor.js';
import { renderCommand } from './commands/render.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { summaryCommand } from './commands/summary.js';
import { validateCommand } from './commands/validate.js';
import { output } from './output.js';

/**
 * Runs the CLI on `argv` (without `node` and the script path).
 * @returns the process exit code; never calls process.exit.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await yargs([...argv])
      .scriptName('tfexp')
      .usage('$0 <command> [options]\n\nDeclarative deep-learning experiments for TensorFlow.js.')
      .command(runCommand)
      .command(resumeCommand)
      .command(compareCommand)
      .command(validateCommand)
      .command(summaryCommand)
      .command(renderCommand)
      .command(dataCommand)
      .command(doctorCommand)
      .command(benchCommand)
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
        // recommendCommands() reports an unknown command as just "Did you mean X?".
        const text = msg?.startsWith('Did you mean') ? `unknown command "${argv[0]}". ${msg}` : msg;
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
