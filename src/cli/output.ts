/**
 * Where commands write: stdout for results, stderr for problems. Swappable so
 * tests can capture what a command prints (after Vega-Lite's swappable logger).
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

let current: Output = processOutput;

export const output: Output = {
  out: (text) => current.out(text),
  err: (text) => current.err(text),
};

/** Sends output to `target` until `resetOutput` is called. */
export function setOutput(target: Output): void {
  current = target;
}

export function resetOutput(): void {
  current = processOutput;
}
