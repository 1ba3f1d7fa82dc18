// Asks Dawn for a WebGPU adapter (high-performance preference, as adapter.ts does) in a process
// of its own, and prints what it found as one line on stdout: the marker (its argument), then JSON,
// {"adapter": null}, {"adapter": {"info": {...}, "isFallbackAdapter": ...}} or {"error": "..."}
// (Dawn's first line when it fails). adapter.ts runs it so that the lines Dawn and the Vulkan
// drivers write to stderr while they list adapters (libwayland's "XDG_RUNTIME_DIR is invalid" on
// a machine with no desktop session, Dawn's warnings about the adapters it refuses) are captured
// there and dropped, not shown to the user. Plain JavaScript, so it starts without tsx.
const MARKER = process.argv[2] ?? '';
let answer;
try {
  const dawn = await import('webgpu');
  const create = dawn.create ?? dawn.default?.create;
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter?.info;
  answer = {
    adapter:
      adapter === null
        ? null
        : {
            info: { vendor: info?.vendor, architecture: info?.architecture, device: info?.device, description: info?.description, isFallbackAdapter: info?.isFallbackAdapter },
            isFallbackAdapter: adapter.isFallbackAdapter,
          },
  };
} catch (error) {
  answer = { error: String(error?.message ?? error).split('\n')[0] };
}
process.stdout.write(`${MARKER}${JSON.stringify(answer)}\n`, () => {
  // At once: dawn.node 0.6.2 can crash when its GPU object is garbage-collected (adapter.ts gpuObject).
  process.exit(0);
});
