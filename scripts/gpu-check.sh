#!/usr/bin/env bash
# The GPU device check: tfexp's webgpu backend (Dawn on Vulkan) on a real NVIDIA GPU,
# next to PyTorch on the same GPU. Runs on a borrowed machine that has no Node.js, no
# internet and no package registry, from the payload scripts/gpu-check-prepare.sh built.
#
# Run from the repo root, with .gpu-check carried along:
#     bash scripts/gpu-check.sh
# Dry run here, on SwiftShader, with a tiny model (about a minute):
#     GPU_CHECK_PRESET=tiny OUT=/tmp/gpu-check-out bash scripts/gpu-check.sh
#
# What it does, each step time-limited, a failing step recorded and the rest still run,
# most telling figures first:
#   setup   unpack node (xz, or python3's lzma) and the bundled app into $GPU_CHECK_WORK;
#           Vulkan: the system's libvulkan.so.1, else Debian's libvulkan1 from the payload
#           extracted with dpkg -x (or python3) into a private folder put on LD_LIBRARY_PATH;
#           the NVIDIA driver manifest (nvidia_icd.json) from the standard folders, else from
#           /usr/local/nvidia/..., else one written here for libGLX_nvidia.so.0 when the driver
#           has it; a preset VK_ICD_FILENAMES / VK_DRIVER_FILES is kept as it is
#   bench   tfexp bench <experiment> --backend webgpu --batch-size B, B = 64 and 256  (120 s each)
#   torch   scripts/gpu-check-torch.py: the same model in PyTorch, batch 64 and 256   (120 s)
#   run     tfexp run <experiment> --backend webgpu --set train.epochs=1 on real MNIST  (240 s)
#   doctor  tfexp doctor --json                                                       (60 s)
# A deadline (GPU_CHECK_DEADLINE, 450 s from the start) cuts the later steps' limits, so the
# whole check ends before 8 minutes even when steps hang; normally it takes 1 to 2 minutes.
# Results: $OUT/gpu-check.json (figures, errors, versions, Vulkan setup) and logs $OUT/*.log
# (6 files: gpu-check.json, gpu-check.log, bench.log, torch.log, run.log, doctor.log).
# OUT defaults to ./gpu-check-out.
#
# Environment (all optional):
#   GPU_CHECK_PRESET=tiny       dry-run defaults: scripts/gpu-check-tiny.yaml, batches "8 16", 1 step,
#                               run on 64/64 samples, torch 3 steps, SwiftShader if no ICD is set
#   GPU_CHECK_EXPERIMENT        experiment for bench and run (default experiments/baseline.yaml)
#   GPU_CHECK_BATCHES           bench batch sizes (default "64 256")
#   GPU_CHECK_STEPS / _WARMUP   tfexp bench --steps / --warmup (default 20 / 3)
#   GPU_CHECK_RUN_SET           extra --set items for the run, space-separated, e.g.
#                               "data.train_limit=256 data.test_limit=128" (train.epochs=1 always)
#   GPU_CHECK_TORCH_BATCHES     default: GPU_CHECK_BATCHES;  GPU_CHECK_TORCH_STEPS / _WARMUP (50 / 10)
#   GPU_CHECK_PYTHON            python with torch (default python3)
#   GPU_CHECK_TIMEOUT_DOCTOR / _BENCH / _RUN / _TORCH   seconds (60 / 120 / 240 / 120)
#   GPU_CHECK_SKIP              steps to leave out, e.g. "doctor torch"
#   GPU_CHECK_DEADLINE          seconds from the start after which no step starts (default 450)
#   GPU_CHECK_PAYLOAD           default .gpu-check;  GPU_CHECK_WORK  default /tmp/tfexp-gpu-check
#   GPU_CHECK_PRIVATE_VULKAN=1  use the payload's loader even when the system has one (to test it)
#   VK_ICD_FILENAMES            a Vulkan driver manifest to use as is (SwiftShader for dry runs)
set -uo pipefail

START=$(date +%s.%N)
DEADLINE_AT=$(( $(date +%s) + ${GPU_CHECK_DEADLINE:-450} ))
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PAYLOAD="${GPU_CHECK_PAYLOAD:-$ROOT/.gpu-check}"
OUT="${OUT:-$PWD/gpu-check-out}"
WORK="${GPU_CHECK_WORK:-/tmp/tfexp-gpu-check}"

if [[ "${GPU_CHECK_PRESET:-}" == tiny ]]; then
  : "${GPU_CHECK_EXPERIMENT:=scripts/gpu-check-tiny.yaml}" "${GPU_CHECK_BATCHES:=8 16}" "${GPU_CHECK_STEPS:=1}" "${GPU_CHECK_WARMUP:=1}"
  : "${GPU_CHECK_RUN_SET:=data.train_limit=64 data.test_limit=64}" "${GPU_CHECK_TORCH_STEPS:=3}" "${GPU_CHECK_TORCH_WARMUP:=1}"
  if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" && -f /usr/lib/chromium/vk_swiftshader_icd.json ]]; then
    export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  fi
fi
EXPERIMENT="${GPU_CHECK_EXPERIMENT:-experiments/baseline.yaml}"
BATCHES="${GPU_CHECK_BATCHES:-64 256}"
STEPS="${GPU_CHECK_STEPS:-20}"
WARMUP="${GPU_CHECK_WARMUP:-3}"
RUN_SET="${GPU_CHECK_RUN_SET:-}"
TORCH_BATCHES="${GPU_CHECK_TORCH_BATCHES:-$BATCHES}"
TORCH_STEPS="${GPU_CHECK_TORCH_STEPS:-50}"
TORCH_WARMUP="${GPU_CHECK_TORCH_WARMUP:-10}"
PYTHON="${GPU_CHECK_PYTHON:-python3}"
TORCH_EXPERIMENT=experiments/baseline.yaml # the model torch builds; its RMSprop settings are read here
T_DOCTOR="${GPU_CHECK_TIMEOUT_DOCTOR:-60}"
T_BENCH="${GPU_CHECK_TIMEOUT_BENCH:-120}"
T_RUN="${GPU_CHECK_TIMEOUT_RUN:-240}"
T_TORCH="${GPU_CHECK_TIMEOUT_TORCH:-120}"
SKIP=" ${GPU_CHECK_SKIP:-} "

mkdir -p "$OUT" || exit 1
rm -rf "$WORK" && mkdir -p "$WORK/status" || exit 1
WORK=$(cd "$WORK" && pwd -P)
exec > >(tee "$OUT/gpu-check.log") 2>&1
TEE_PID=$!

say() { printf '\n== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
# Records a step's outcome for the JSON: status/<name> = "rc seconds", status/<name>.error = text.
record() { printf '%s %s\n' "$2" "$3" > "$WORK/status/$1"; [[ -n "${4:-}" ]] && printf '%s\n' "$4" > "$WORK/status/$1.error"; return 0; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
why() { case "$1" in 0) ;; 124 | 137) echo "timed out after $2 s" ;; 139) echo "crashed (SIGSEGV, exit 139)" ;; 134) echo "aborted (SIGABRT, exit 134)" ;; *) echo "exit $1" ;; esac; }

# Unpacks an .xz file with xz, else python3's lzma module.
unxz_to() {
  if have xz; then xz -dc "$1" > "$2"; else "${PYTHON_ANY}" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
PYTHON_ANY=$(command -v python3 || command -v "$PYTHON" || echo python3)

# ---------------------------------------------------------------- setup
say "setup: payload $PAYLOAD, work folder $WORK, results $OUT"
setup_error=""
NODE="$WORK/node"
APP="$WORK/app"
t0=$(date +%s.%N)
if [[ ! -f "$PAYLOAD/node.xz" || ! -f "$PAYLOAD/app.tar.xz" ]]; then
  setup_error="no payload at $PAYLOAD (run scripts/gpu-check-prepare.sh and carry .gpu-check)"
else
  unxz_to "$PAYLOAD/node.xz" "$NODE" && chmod +x "$NODE" || setup_error="could not unpack node.xz"
  unxz_to "$PAYLOAD/app.tar.xz" "$WORK/app.tar" && tar -xf "$WORK/app.tar" -C "$WORK" && rm -f "$WORK/app.tar" ||
    setup_error="${setup_error:+$setup_error; }could not unpack app.tar.xz"
  "$NODE" --version > "$WORK/node-version" 2>&1 || setup_error="${setup_error:+$setup_error; }node does not run: $(head -c 300 "$WORK/node-version")"
fi
[[ -f "$PAYLOAD/MANIFEST.txt" ]] && sed -n '1,8p' "$PAYLOAD/MANIFEST.txt"
echo "node: $(cat "$WORK/node-version" 2>/dev/null)"

# Vulkan: the loader (libvulkan.so.1) and NVIDIA's driver manifest.
VULKAN_NOTES="$WORK/vulkan-notes.txt"
: > "$VULKAN_NOTES"
note() { echo "$*" | tee -a "$VULKAN_NOTES"; }
LIB_DIRS="/usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/lib"
find_lib() { # $1 = soname glob: first match on LD_LIBRARY_PATH, the usual folders, then ldconfig -p
  local d f ldp="${LD_LIBRARY_PATH:-}"
  for d in ${ldp//:/ } $LIB_DIRS; do
    for f in "$d"/$1; do [[ -e "$f" ]] && { echo "$f"; return 0; }; done
  done
  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | awk -v pat="$1" 'BEGIN { gsub(/\./, "\\.", pat); gsub(/\*/, ".*", pat) } $1 ~ "^" pat "$" { print $NF; exit }'
}
loader=""
[[ -z "${GPU_CHECK_PRIVATE_VULKAN:-}" ]] && loader=$(find_lib libvulkan.so.1)
if [[ -n "$loader" ]]; then
  note "Vulkan loader: $loader (system)"
else
  deb=$(ls -1 "$PAYLOAD"/libvulkan1_*.deb 2>/dev/null | head -1)
  if [[ -z "$deb" ]]; then
    note "Vulkan loader: none on the system and no libvulkan1 .deb in the payload"
  else
    mkdir -p "$WORK/vulkan"
    if have dpkg; then
      dpkg -x "$deb" "$WORK/vulkan"
    else # a .deb is an ar archive holding data.tar.*
      "$PYTHON_ANY" - "$deb" "$WORK/vulkan" <<'EOF'
import io, sys, tarfile
data = open(sys.argv[1], 'rb').read()
pos = 8  # after "!<arch>\n"
while pos + 60 <= len(data):
    name, size = data[pos:pos + 16].decode().strip().rstrip('/'), int(data[pos + 48:pos + 58].decode().strip())
    if name.startswith('data.tar'):
        tarfile.open(fileobj=io.BytesIO(data[pos + 60:pos + 60 + size])).extractall(sys.argv[2])
    pos += 60 + size + (size & 1)
EOF
    fi
    loader=$(find "$WORK/vulkan" -name 'libvulkan.so.1' | head -1)
    if [[ -n "$loader" ]]; then
      export LD_LIBRARY_PATH="$(dirname "$loader")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      note "Vulkan loader: $loader (from $(basename "$deb"), on LD_LIBRARY_PATH)"
    else
      note "Vulkan loader: could not extract one from $(basename "$deb")"
    fi
  fi
fi
if [[ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]]; then
  note "Vulkan driver: preset ${VK_DRIVER_FILES:+VK_DRIVER_FILES=$VK_DRIVER_FILES}${VK_ICD_FILENAMES:+VK_ICD_FILENAMES=$VK_ICD_FILENAMES}"
else
  icd=""
  for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /etc/xdg/vulkan/icd.d; do
    for f in "$d"/nvidia*.json; do [[ -f "$f" ]] && { icd="$f"; break 2; }; done
  done
  if [[ -n "$icd" ]]; then
    note "Vulkan driver: $icd (a standard folder: the loader finds it)"
  else
    for d in /usr/local/nvidia/share/vulkan/icd.d /usr/local/nvidia/etc/vulkan/icd.d /usr/local/nvidia/icd.d /usr/local/nvidia/vulkan/icd.d; do
      for f in "$d"/nvidia*.json; do [[ -f "$f" ]] && { icd="$f"; break 2; }; done
    done
    [[ -z "$icd" ]] && icd=$(timeout 20 find /usr /etc /opt -maxdepth 7 -name 'nvidia_icd*.json' 2>/dev/null | head -1)
    if [[ -n "$icd" ]]; then
      export VK_ICD_FILENAMES="$icd"
      note "Vulkan driver: $icd (non-standard place: VK_ICD_FILENAMES set)"
    else
      glx=$(find_lib 'libGLX_nvidia.so.0')
      if [[ -n "$glx" ]]; then
        api=$(nvidia-smi -q 2>/dev/null | awk -F': ' '/Vulkan/ { print $2; exit }')
        printf '{"file_format_version": "1.0.1", "ICD": {"library_path": "%s", "api_version": "%s"}}\n' "$glx" "${api:-1.3.0}" > "$WORK/nvidia_icd.json"
        export VK_ICD_FILENAMES="$WORK/nvidia_icd.json"
        note "Vulkan driver: no nvidia_icd.json anywhere; wrote $WORK/nvidia_icd.json for $glx (VK_ICD_FILENAMES set)"
      else
        note "Vulkan driver: none. No nvidia_icd.json and no libGLX_nvidia.so.0 (NVIDIA's Vulkan driver): the container"
        note "  probably has the compute driver only (NVIDIA_DRIVER_CAPABILITIES without 'graphics'); WebGPU cannot see the GPU"
      fi
    fi
  fi
fi
for lib in 'libGLX_nvidia.so.0' 'libnvidia-glvkspirv.so.*' 'libnvidia-glcore.so.*' 'libnvidia-gpucomp.so.*' 'libcuda.so.1'; do
  note "  $lib: $(find_lib "$lib" || true)"
done
note "  NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES-<unset>} NVIDIA_VISIBLE_DEVICES=${NVIDIA_VISIBLE_DEVICES-<unset>}"
note "  LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
if have vulkaninfo; then timeout 30 vulkaninfo --summary 2>&1 | head -60 | tee -a "$VULKAN_NOTES"; fi

say "GPU"
if have nvidia-smi; then
  timeout 30 nvidia-smi -L > "$WORK/gpu.txt" 2>&1
  timeout 30 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader > "$WORK/gpu-query.txt" 2>&1
else
  echo "nvidia-smi: not found" > "$WORK/gpu.txt"
fi
cat "$WORK/gpu.txt" "$WORK/gpu-query.txt" 2>/dev/null
record setup "$([[ -z "$setup_error" ]] && echo 0 || echo 1)" "$(elapsed "$t0")" "$setup_error"
[[ -n "$setup_error" ]] && echo "setup failed: $setup_error"

# Each tfexp command runs from the repo root (experiment paths) with a private cache
# (XDG_CACHE_HOME=$WORK/cache: the wasm worker script, no dataset downloads).
skipped() { [[ "$SKIP" == *" $1 "* ]] && { record "$2" skipped 0; echo "skipped ($1 in GPU_CHECK_SKIP)"; }; }
# A step's time limit: its own, cut to what is left before the deadline (less 15 s for the JSON).
limit() { awk -v t="$1" -v end="$DEADLINE_AT" -v now="$(date +%s)" 'BEGIN { left = end - now - 15; print (left < t ? (left < 0 ? 0 : int(left)) : t) }'; }
# Runs one step: step NAME TIMEOUT LOG COMMAND...; records rc, seconds and why it failed.
step() {
  local name=$1 t rc t0
  t=$(limit "$2")
  if [[ -n "$setup_error" ]]; then record "$name" 1 0 "not run: setup failed"; return; fi
  if ((t < 5)); then record "$name" 1 0 "not run: the ${GPU_CHECK_DEADLINE:-450} s deadline was reached"; echo "not run: out of time"; return; fi
  t0=$(date +%s.%N)
  XDG_CACHE_HOME="$WORK/cache" timeout -k 10 "$t" "${@:4}" >> "$3" 2>&1
  rc=$?
  record "$name" "$rc" "$(elapsed "$t0")" "$(why "$rc" "$t")"
}
TFEXP=("$NODE" "$APP/dist/tfexp.mjs")

# Most telling figures first; doctor last (it only describes the setup).
# ---------------------------------------------------------------- bench
: > "$OUT/bench.log"
for batch in $BATCHES; do
  say "tfexp bench $EXPERIMENT --backend webgpu --batch-size $batch --steps $STEPS --warmup $WARMUP (timeout $(limit "$T_BENCH") s)"
  skipped bench "bench-$batch" && continue
  echo "== batch $batch" >> "$OUT/bench.log"
  step "bench-$batch" "$T_BENCH" "$OUT/bench.log" "${TFEXP[@]}" bench "$EXPERIMENT" --backend webgpu \
    --batch-size "$batch" --steps "$STEPS" --warmup "$WARMUP" --out "$WORK/bench-$batch.json"
  sed -n '/^== batch '"$batch"'$/,$p' "$OUT/bench.log" | tail -6
done

# ---------------------------------------------------------------- torch
: > "$OUT/torch.log"
say "PyTorch peer: $PYTHON scripts/gpu-check-torch.py --batches $TORCH_BATCHES (timeout $(limit "$T_TORCH") s)"
if ! skipped torch torch; then
  # shellcheck disable=SC2086 # batch sizes are separate arguments
  setup_error="" step torch "$T_TORCH" "$OUT/torch.log" "$PYTHON" scripts/gpu-check-torch.py --experiment "$TORCH_EXPERIMENT" \
    --batches $TORCH_BATCHES --steps "$TORCH_STEPS" --warmup "$TORCH_WARMUP" --out "$WORK/torch.json"
  grep '^batch ' "$OUT/torch.log" || tail -5 "$OUT/torch.log"
fi

# ---------------------------------------------------------------- run
: > "$OUT/run.log"
sets=(--set train.epochs=1)
for s in $RUN_SET; do sets+=(--set "$s"); done
say "tfexp run $EXPERIMENT --backend webgpu ${sets[*]} --data-dir $PAYLOAD/data (timeout $(limit "$T_RUN") s)"
if ! skipped run run; then
  step run "$T_RUN" "$OUT/run.log" "${TFEXP[@]}" run "$EXPERIMENT" --backend webgpu "${sets[@]}" --data-dir "$PAYLOAD/data" --runs-dir "$WORK/runs"
  tail -12 "$OUT/run.log"
fi

# ---------------------------------------------------------------- doctor
: > "$OUT/doctor.log"
say "tfexp doctor --json (timeout $(limit "$T_DOCTOR") s)"
if ! skipped doctor doctor; then
  step doctor "$T_DOCTOR" "$OUT/doctor.log" bash -c 'exec "$@" > "'"$WORK"'/doctor.json"' _ "${TFEXP[@]}" doctor --json
  cat "$WORK/doctor.json" >> "$OUT/doctor.log" 2>/dev/null
  grep -v '^ ' "$OUT/doctor.log" | tail -5
fi

# ---------------------------------------------------------------- gpu-check.json
say "writing $OUT/gpu-check.json"
export WORK OUT PAYLOAD EXPERIMENT BATCHES STEPS WARMUP START VULKAN_NOTES
export GPU_CHECK_RUN_SETS="${sets[*]}"
"$PYTHON_ANY" - <<'EOF' || { echo "could not write gpu-check.json with $PYTHON_ANY; the logs are in $OUT"; }
import glob, json, math, os, re, time
from datetime import datetime, timezone
W, OUT = os.environ['WORK'], os.environ['OUT']

def read(path, default=None):
    try:
        with open(path, encoding='utf8', errors='replace') as f:
            return f.read()
    except OSError:
        return default

def load(path):
    text = read(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        return {'unparsable': str(error), 'head': text[:2000]}

def status(name):
    line = read(f'{W}/status/{name}')
    if line is None:
        return {'status': 'not run'}
    rc, seconds = line.split()
    out = {'status': 'skipped' if rc == 'skipped' else ('ok' if rc == '0' else 'failed'), 'seconds': float(seconds)}
    if rc not in ('0', 'skipped'):
        out['exit_code'] = int(rc)
        out['error'] = (read(f'{W}/status/{name}.error') or '').strip()
    return out

def tail(path, n=15):
    text = read(path) or ''
    return '\n'.join(text.strip().splitlines()[-n:])

result = {
    'date': datetime.now(timezone.utc).isoformat(timespec='seconds'),
    'gpu': (read(f'{W}/gpu.txt') or '').strip(),
    'gpu_query': (read(f'{W}/gpu-query.txt') or '').strip() or None,
    'node': (read(f'{W}/node-version') or '').strip(),
    'payload': (read(os.environ['PAYLOAD'] + '/MANIFEST.txt') or '').split('\n\n')[0].strip().splitlines(),
    'vulkan': (read(os.environ['VULKAN_NOTES']) or '').strip().splitlines(),
    'env': {k: os.environ.get(k) for k in ('VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH')},
    'experiment': os.environ['EXPERIMENT'],
    'setup': status('setup'),
}

doctor = status('doctor')
report = load(f'{W}/doctor.json')
if isinstance(report, dict) and 'backends' in report:
    doctor['report'] = report
    webgpu = next((b for b in report['backends'] if b.get('backend') == 'webgpu'), None)
    doctor['webgpu'] = webgpu
elif doctor['status'] == 'failed':
    doctor['log_tail'] = tail(f'{OUT}/doctor.log')
result['doctor'] = doctor

bench = []
for batch in os.environ['BATCHES'].split():
    row = {'batch': int(batch), **status(f'bench-{batch}')}
    data = load(f'{W}/bench-{batch}.json')
    if isinstance(data, dict) and data.get('results'):
        r = data['results'][0]
        row.update({k: r.get(k) for k in ('train_step_ms', 'forward_ms', 'samples_per_second', 'train_gflops', 'step_over_forward', 'cpu_over_wall', 'steps', 'tensors_after_first', 'tensors_after_last')})
        backend = r.get('backend') or {}
        row['backend'] = {k: backend.get(k) for k in ('name', 'package', 'device', 'adapter', 'warnings')}
        row['versions'] = data.get('versions')
    elif row.get('status') == 'failed':
        row['log_tail'] = tail(f'{OUT}/bench.log', 10)
    bench.append(row)
result['bench'] = bench

run = {**status('run'), 'set': os.environ.get('GPU_CHECK_RUN_SETS')}
dirs = sorted(glob.glob(f'{W}/runs/*/'))
if dirs:
    d = dirs[-1]
    info, metrics = load(d + 'run.json') or {}, load(d + 'metrics.json') or {}
    history = metrics.get('history') or []
    first = history[0] if history else {}
    yaml = read(d + 'experiment.yaml') or ''
    m = re.search(r'^\s*batch_size:\s*(\d+)', yaml, re.M)
    batch = int(m.group(1)) if m else None
    train = (info.get('dataset') or {}).get('train')
    steps = math.ceil(train / batch) if train and batch else None
    run.update({
        'run_status': info.get('status'),
        'failure_reason': info.get('failure_reason'),
        'epochs_completed': info.get('epochs_completed'),
        'duration_seconds': info.get('duration_seconds'),
        'dataset': info.get('dataset'),
        'batch_size': batch,
        'steps_per_epoch': steps,
        'epoch_seconds': round(first['seconds'], 3) if first.get('seconds') else None,
        'ms_per_step': round(first['seconds'] * 1000 / steps, 2) if first.get('seconds') and steps else None,
        'loss': first.get('loss'),
        'accuracy': first.get('accuracy'),
        'test': metrics.get('test'),
        'test_accuracy': (metrics.get('test') or {}).get('accuracy'),
        'history': history,
        'params': info.get('params'),
        'flops_per_sample': info.get('flops_per_sample'),
        'backend': info.get('backend'),
    })
if run.get('status') == 'failed' or not dirs:
    run['log_tail'] = tail(f'{OUT}/run.log')
result['run'] = run

torch = status('torch')
data = load(f'{W}/torch.json')
if isinstance(data, dict):
    torch.update(data)
if torch.get('status') == 'failed':
    torch['log_tail'] = tail(f'{OUT}/torch.log')
result['torch'] = torch

result['targets'] = {'keras_k80_ms_per_step_batch64': 22, 'stretch_ms': 5}
result['total_seconds'] = round(time.time() - float(os.environ['START']), 1)
with open(f'{OUT}/gpu-check.json', 'w', encoding='utf8') as f:
    json.dump(result, f, indent=2)
    f.write('\n')
summary = [f"bench b={b['batch']}: {b.get('train_step_ms', b.get('status'))} ms/step" for b in bench]
summary.append(f"run: {run.get('epoch_seconds', run.get('status'))} s/epoch, test accuracy {run.get('test_accuracy')}")
summary += [f"torch b={r['batch']}: {r.get('train_step_ms', r.get('error'))} ms/step" for r in torch.get('bench', [])]
print('\n'.join(summary))
print(f"total {result['total_seconds']} s")
EOF
echo "results: $(ls "$OUT" | tr '\n' ' ')"
exec >&- 2>&-
wait "$TEE_PID" 2>/dev/null
