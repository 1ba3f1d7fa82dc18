// A thread of tfexp's SIMD kernel pool (see pool.ts). Plain JavaScript, so it loads
// the same with or without tsx.
//
// It instantiates the kernel module on the shared tfjs heap and says so (or why it
// could not) to the pool, then loops forever: wait for the job counter (control[0])
// to move (its value says so, not a wake-up), run its part of the job (if the job has
// that many parts, control[5]) with the arguments in its row of the shared argument
// table, count itself done (control[1]). It never returns to its event loop; the pool
// unrefs it so Node can still exit.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, control, args, index, width, names, spinMs } = workerData;
let kernels;
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  kernels = names.map((name) => instance.exports[name]);
} catch (error) {
  parentPort.postMessage({ ready: false, error: String(error) });
  process.exit(1);
}
parentPort.postMessage({ ready: true });

const ctl = new Int32Array(control);
const row = new Int32Array(args, index * width * 4, width);
const pause = typeof Atomics.pause === 'function' ? Atomics.pause : () => {};
let seen = 0;
for (;;) {
  // Spin up to spinMs for the next job before sleeping: waking a sleeping thread costs more
  // than the usual gap between a step's jobs (pool.ts SPIN_MS).
  const until = performance.now() + spinMs;
  while (Atomics.load(ctl, 0) === seen && performance.now() < until) pause();
  // Then sleep until the counter has moved. Being woken is no proof that it has: the pool's
  // notify for the job this thread has just run can come late (the calling thread descheduled
  // between its Atomics.add and Atomics.notify) and wake it while the counter still holds
  // `seen`. Taking that as a job ran the last one again, on arguments the pool may already be
  // rewriting, and counted it done twice, so the pool could return from the next job before
  // this thread's part of it had run (under load, 2-7 times in 3 x 150,000 jobs: training
  // results differed from run to run).
  while (Atomics.load(ctl, 0) === seen) Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  try {
    if (index < ctl[5]) kernels[ctl[2]](...row.subarray(0, ctl[3]));
  } catch (error) {
    Atomics.store(ctl, 4, 1); // the pool throws; a trap here would otherwise be silent
    console.error(error);
  }
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
