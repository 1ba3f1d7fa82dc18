// A thread of tfexp's SIMD kernel pool (see pool.ts). Plain JavaScript: it runs
// in a worker_threads Worker, outside tsx's loader.
//
// It instantiates the kernel module on the shared tfjs heap, then loops forever:
// wait for the job counter (control[0]) to move, run its part of the job (if the
// job has that many parts, control[5]) with the arguments in its row of the shared
// argument table, count itself done (control[1]).
// It never returns to its event loop; the pool unrefs it so Node can still exit.
import { workerData } from 'node:worker_threads';

const { module, memory, control, args, index, width, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const ctl = new Int32Array(control);
const row = new Int32Array(args, index * width * 4, width);
const kernels = names.map((name) => instance.exports[name]);

let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  try {
    if (index < ctl[5]) kernels[ctl[2]](...row.subarray(0, ctl[3]));
  } catch (error) {
    Atomics.store(ctl, 4, 1); // the main thread throws; a trap here would otherwise be silent
    console.error(error);
  }
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
