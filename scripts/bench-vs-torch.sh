#!/bin/sh
# tfexp's CPU training speed against PyTorch's on this machine, in one sitting (issue 16's target):
# the baseline (experiments/baseline.yaml, batch 64, RMSprop, synthetic data) with `tfexp bench
# --backend wasm` (both kernel builds where Node runs relaxed SIMD) and scripts/gpu-check-torch.py
# on the CPU (channels_last), both at THREADS threads (default 2), alternating for ROUNDS rounds
# (default 3), then each round's figures and the ratio of the medians.
# PyTorch is skipped, with a message, where `python3 -c "import torch"` fails (Debian: apt-get
# install python3-torch; PYTHON=/usr/bin/python3 by default).
set -eu
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
STEPS=${STEPS:-20}
ROUNDS=${ROUNDS:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
simd=plain
node -e 'process.exit(WebAssembly.validate(Uint8Array.from([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,61,1,59,0,...[0,1,2].flatMap(()=>[253,12,...Array(16).fill(0)]),253,133,2,11])) ? 0 : 1)' && simd=plain,relaxed
torch=yes
"$PYTHON" -c 'import torch' 2>/dev/null || { torch=no; echo "PyTorch skipped: $PYTHON -c 'import torch' fails (apt-get install python3-torch)"; }
# Rounds alternate the two, so a slow spell of a shared machine does not fall on one side only.
round=1
while [ "$round" -le "$ROUNDS" ]; do
  node bin/tfexp.js bench experiments/baseline.yaml --backend wasm --threads "$THREADS" --simd "$simd" --steps "$STEPS" --warmup 3 --out "$out/tfexp-$round.json" >/dev/null
  if [ "$torch" = yes ]; then
    "$PYTHON" scripts/gpu-check-torch.py --device cpu --threads "$THREADS" --batches 64 --steps "$STEPS" --warmup 3 --out "$out/torch-$round.json" >/dev/null
  fi
  round=$((round + 1))
done
node -e '
const fs = require("fs");
const [dir, threads, rounds] = process.argv.slice(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fixed = (x, d = 1) => x.toFixed(d);
const rows = [];
for (let r = 1; r <= Number(rounds); r++) {
  const t = JSON.parse(fs.readFileSync(`${dir}/tfexp-${r}.json`, "utf8"));
  const torchFile = `${dir}/torch-${r}.json`;
  const torch = fs.existsSync(torchFile) ? JSON.parse(fs.readFileSync(torchFile, "utf8")) : null;
  const peer = torch && (torch.bench ?? []).find((p) => p.batch === 64 && !p.error);
  rows.push({ round: r, torch, peer, tfexp: t.results });
}
const alternating = rows.some((r) => r.peer) ? "tfexp then PyTorch, alternating" : "tfexp only";
console.log(`\nbaseline, batch 64, ${threads} thread(s), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${rounds} rounds (${alternating})`);
for (const { round, torch, peer, tfexp } of rows) {
  const parts = tfexp.map((r) => `${r.backend.kernels ?? "plain"} ${fixed(r.samples_per_second)} samples/s (step/forward ${fixed(r.step_over_forward, 2)}${peer ? `, ${fixed(r.samples_per_second / peer.samples_per_second, 3)}x` : ""})`);
  console.log(`round ${round}: ${peer ? `PyTorch ${torch.torch} ${fixed(peer.samples_per_second)} samples/s (step/forward ${fixed(peer.train_step_ms / peer.forward_ms, 2)}); ` : ""}tfexp ${parts.join(", ")}`);
}
const peers = rows.filter((r) => r.peer).map((r) => r.peer.samples_per_second);
const peerMedian = peers.length ? median(peers) : null;
if (peerMedian !== null) console.log(`median: PyTorch (cpu, ${threads} threads, channels_last) ${fixed(peerMedian)} samples/s`);
for (const kernels of [...new Set(rows.flatMap((r) => r.tfexp.map((t) => t.backend.kernels ?? "plain")))]) {
  const runs = rows.map((r) => r.tfexp.find((t) => (t.backend.kernels ?? "plain") === kernels)).filter(Boolean);
  const sps = median(runs.map((t) => t.samples_per_second));
  const ratio = peerMedian !== null ? `, ${fixed(sps / peerMedian, 3)}x PyTorch` : "";
  console.log(`median: tfexp wasm ${kernels} ${fixed(sps)} samples/s, step/forward ${fixed(median(runs.map((t) => t.step_over_forward)), 2)}${ratio}`);
}' "$out" "$THREADS" "$ROUNDS"
