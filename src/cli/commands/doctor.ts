import type { CommandModule } from 'yargs';
import { output } from '../output.js';

/** Prints each backend's status, versions, threads and GPU visibility, with fixes for what is missing. */
export async function printDoctor(json: boolean): Promise<void> {
  // Loaded here, not at the top: it loads tfjs and probes the backends (issue 13).
  const { diagnose, formatDoctor } = await import('../../backend/doctor.js');
  const report = await diagnose();
  output.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
}

export const doctorCommand: CommandModule<object, { json: boolean }> = {
  command: 'doctor',
  describe: 'Show which compute backends work here (native TensorFlow, GPU, WASM threads, CPU) and how to fix what is missing.',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON' }) as never,
  handler: (args) => printDoctor(args.json),
};
