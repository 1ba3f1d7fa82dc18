#!/bin/sh
# tfexp's CPU training speed against PyTorch's on this machine, in one run (issue 16's target):
# the baseline (experiments/baseline.yaml, batch 64, RMSprop, synthetic data) with `tfexp bench
# --backend wasm` (both kernel builds where Node runs relaxed SIMD) and scripts/gpu-check-torch.py
# on the CPU (channels_last), both at THREADS threads (default 2), then the ratios.
# PyTorch is skipped, with a message, where `python3 -c "import torch"` fails (Debian: apt-get
# install python3-torch; PYTHON=/usr/bin/python3 by default).
set -eu
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
STEPS=${STEPS:-20}
PYTHON=${PYTHON:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
simd=plain
node -e 'process.exit(WebAssembly.validate(Uint8Array.from([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,61,1,59,0,...[0,1,2].flatMap(()=>[253,12,...Array(16).fill(0)]),253,133,2,11])) ? 0 : 1)' && simd=plain,relaxed
node bin/tfexp.js bench experiments/baseline.yaml --backend wasm --threads "$THREADS" --simd "$simd" --steps "$STEPS" --warmup 3 --out "$out/tfexp.json"
if "$PYTHON" -c 'import torch' 2>/dev/null; then
  "$PYTHON" scripts/gpu-check-torch.py --device cpu --threads "$THREADS" --batches 64 --steps "$STEPS" --warmup 3 --out "$out/torch.json" >/dev/null
else
  echo "PyTorch skipped: $PYTHON -c 'import torch' fails (apt-get install python3-torch)"
fi
node -e '
const fs = require("fs");
const t = JSON.parse(fs.readFileSync(process.argv[1] + "/tfexp.json", "utf8"));
const torchFile = process.argv[1] + "/torch.json";
const torch = fs.existsSync(torchFile) ? JSON.parse(fs.readFileSync(torchFile, "utf8")) : null;
const peer = torch && (torch.bench ?? []).find((r) => r.batch === 64 && !r.error);
console.log(`\nbaseline, batch 64, ${process.argv[2]} thread(s), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
if (peer) console.log(`PyTorch ${torch.torch} (cpu, ${torch.threads} threads, channels_last): ${peer.samples_per_second.toFixed(1)} samples/s, step ${peer.train_step_ms.toFixed(1)} ms, forward ${peer.forward_ms.toFixed(1)} ms, step/forward ${(peer.train_step_ms / peer.forward_ms).toFixed(2)}`);
for (const r of t.results) {
  const ratio = peer ? `, ${(r.samples_per_second / peer.samples_per_second).toFixed(3)}x PyTorch` : "";
  console.log(`tfexp wasm ${r.backend.kernels ?? "plain"}: ${r.samples_per_second.toFixed(1)} samples/s, step ${r.train_step_ms.toFixed(1)} ms, forward ${r.forward_ms.toFixed(1)} ms, step/forward ${r.step_over_forward.toFixed(2)}${ratio}`);
}' "$out" "$THREADS"
