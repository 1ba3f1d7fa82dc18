// The part of the WebAssembly JS API this folder uses. Node 20 has all of it, but
// TypeScript declares it only in lib.dom (not in this project's libs) and
// @types/node 20 does not declare it. (Remove this file when moving to
// @types/node >= 22, which declares the namespace and would clash with it.)
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  /** True when `bytes` is a module this engine compiles (tests for features such as relaxed SIMD). */
  function validate(bytes: BufferSource): boolean;
  /** A trap (e.g. an out-of-bounds memory access). */
  class RuntimeError extends Error {}
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
  }
}
