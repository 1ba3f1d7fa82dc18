// Asks Dawn for a WebGPU adapter (high-performance preference, as adapter.ts does) in a process
// of its own, and prints what it found as one JSON line on stdout: {"adapter": null} or
// {"adapter": {"info": {...}, "isFallbackAdapter": ...}}. adapter.ts runs it so that the lines
// Dawn and the Vulkan drivers write to stderr while they list adapters (libwayland's
// "XDG_RUNTIME_DIR is invalid" on a machine with no desktop session, Dawn's warnings about the
// adapters it refuses) are captured there and dropped, not shown to the user. Plain JavaScript,
// so it starts without tsx.
const dawn = await import('webgpu');
const create = dawn.create ?? dawn.default?.create;
const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
const fields = (info) => ({
  vendor: info?.vendor,
  architecture: info?.architecture,
  device: info?.device,
  description: info?.description,
  isFallbackAdapter: info?.isFallbackAdapter,
});
const found = adapter === null ? null : { info: fields(adapter.info), isFallbackAdapter: adapter.isFallbackAdapter };
process.stdout.write(`${JSON.stringify({ adapter: found })}\n`, () => {
  // At once: dawn.node 0.6.2 can crash when its GPU object is garbage-collected (adapter.ts gpuObject).
  process.exit(0);
});
