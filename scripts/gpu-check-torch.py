#!/usr/bin/env python3
"""The PyTorch peer of `tfexp bench experiments/baseline.yaml`, for scripts/gpu-check.sh.

Builds the baseline model of experiments/baseline.yaml in PyTorch (the Keras blog's
4-block VGG-style CNN on MNIST: 1,194,730 parameters, asserted), with the yaml's
RMSprop settings, and times training steps and forward passes on synthetic data
(uniform [0, 1) images, random labels), as tfexp's bench does. Prints one JSON
object (and writes it to --out when given).

    python3 scripts/gpu-check-torch.py                      # CUDA when present, else CPU
    python3 scripts/gpu-check-torch.py --batches 64 256 --steps 50 --warmup 10
    python3 scripts/gpu-check-torch.py --device cpu --batches 8 --steps 2 --warmup 1   # dry run

Figures per batch size:
  train_step_ms        median of synchronised single steps (zero_grad, forward, loss,
                       backward, optimizer step, then torch.cuda.synchronize): the peer of
                       tfexp's bench on CPU backends, which read the loss back every step
  train_step_ms_pipelined  total time of `steps` back-to-back steps / steps (one sync at the
                       end): the peer of tfexp's bench on webgpu, which reads back late
  forward_ms           median of synchronised forward passes in eval mode (no dropout,
                       no autograd), like tfexp bench's model.predict on one batch
  samples_per_second   batch / train_step_ms * 1000
Only the standard library and torch are needed (no PyYAML): the yaml's optimizer
numbers are read with regular expressions, tfexp's defaults filling the gaps.
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import time

# tfexp's RMSprop defaults (src/config/schema/optimizers.ts), as Keras's.
DEFAULTS = {'learning_rate': 0.001, 'rho': 0.9, 'momentum': 0.0, 'epsilon': 1e-7}
EXPECTED_PARAMS = 1_194_730


def read_optimizer(path):
    """RMSprop settings and batch size from the experiment yaml (flow-style `optimizer: {...}`)."""
    settings = dict(DEFAULTS)
    batch = 64
    try:
        text = open(path, encoding='utf8').read()
    except OSError as error:
        return settings, batch, f'could not read {path}: {error}; tfexp defaults used'
    line = re.search(r'^\s*optimizer:\s*\{([^}]*)\}', text, re.M)
    if line:
        if not re.search(r'type:\s*rmsprop', line.group(1)):
            return settings, batch, f'{path}: optimizer is not rmsprop; RMSprop with tfexp defaults used'
        for key in DEFAULTS:
            found = re.search(rf'\b{key}:\s*([0-9.eE+-]+)', line.group(1))
            if found:
                settings[key] = float(found.group(1))
    found = re.search(r'^\s*batch_size:\s*(\d+)', text, re.M)
    if found:
        batch = int(found.group(1))
    return settings, batch, None


def build_model(nn):
    """experiments/baseline.yaml's layers, in PyTorch (padding 1 = Keras 'same' for 3x3)."""
    layers = []
    channels = 1
    for block, filters in enumerate((32, 64, 128, 256)):
        for _ in range(2):
            layers += [nn.Conv2d(channels, filters, 3, stride=1, padding=1), nn.ReLU(inplace=True)]
            channels = filters
        if block < 3:
            layers.append(nn.MaxPool2d(2))  # 28 -> 14 -> 7 -> 3 (floor, as Keras 'valid' pooling)
    # Keras's softmax + sparse categorical cross-entropy = logits + nn.CrossEntropyLoss.
    layers += [nn.Flatten(), nn.Dropout(0.5), nn.Linear(256 * 3 * 3, 10)]
    return nn.Sequential(*layers)


def median_ms(times):
    return statistics.median(times) * 1000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--experiment', default='experiments/baseline.yaml', help='where lr, rho, epsilon are read (default: %(default)s)')
    parser.add_argument('--batches', type=int, nargs='+', default=[64, 256])
    parser.add_argument('--steps', type=int, default=50, help='timed steps per batch size (default: %(default)s)')
    parser.add_argument('--warmup', type=int, default=10, help='untimed steps first (cuDNN autotuning, allocator) (default: %(default)s)')
    parser.add_argument('--device', default='auto', help='auto (cuda when available), cuda or cpu')
    parser.add_argument('--threads', type=int, help='CPU threads (torch.set_num_threads; default: PyTorch\'s own)')
    parser.add_argument('--out', help='also write the JSON here')
    args = parser.parse_args()

    started = time.perf_counter()
    result = {'python': sys.version.split()[0], 'platform': platform.platform()}
    try:
        import torch
        import torch.nn as nn
    except Exception as error:  # noqa: BLE001 - reported, not raised
        result['error'] = f'torch not importable: {error}'
        emit(result, args.out)
        return 1

    device = args.device
    if device == 'auto':
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    cuda = device.startswith('cuda')
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if cuda:
        torch.backends.cudnn.benchmark = True
    settings, yaml_batch, note = read_optimizer(args.experiment)
    result.update({
        'torch': torch.__version__,
        'device': device,
        'device_name': torch.cuda.get_device_name(0) if cuda else platform.processor() or 'cpu',
        'cuda': torch.version.cuda,
        'cudnn': torch.backends.cudnn.version() if cuda else None,
        'threads': torch.get_num_threads(),
        # PyTorch's defaults, recorded because they change the conv speed: TF32 is on for
        # cuDNN convolutions, off for matmuls; tfjs's WebGPU backend computes in float32.
        'tf32': {'cudnn': torch.backends.cudnn.allow_tf32, 'matmul': torch.backends.cuda.matmul.allow_tf32},
        'dtype': 'float32',
        'memory_format': 'channels_last',
        'optimizer': {'type': 'rmsprop', **settings, 'note': 'torch alpha = Keras rho; torch eps = the yaml epsilon (torch default 1e-8)'},
        'experiment': args.experiment,
        'experiment_batch_size': yaml_batch,
        'data': 'synthetic: uniform [0, 1) images, random labels',
        'steps': args.steps,
        'warmup': args.warmup,
    })
    if note:
        result['note'] = note

    torch.manual_seed(42)
    if args.threads:
        torch.set_num_threads(args.threads)
        result['threads'] = torch.get_num_threads()
    model = build_model(nn).to(device).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    result['params'] = params
    assert params == EXPECTED_PARAMS, f'parameter count {params} != {EXPECTED_PARAMS}: the model differs from experiments/baseline.yaml'
    optimizer = torch.optim.RMSprop(model.parameters(), lr=settings['learning_rate'], alpha=settings['rho'],
                                    eps=settings['epsilon'], momentum=settings['momentum'])
    loss_fn = nn.CrossEntropyLoss()

    rows = []
    for batch in args.batches:
        row = {'batch': batch}
        try:
            x = torch.rand(batch, 1, 28, 28, device=device).contiguous(memory_format=torch.channels_last)
            y = torch.randint(0, 10, (batch,), device=device)

            def step():
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                return loss

            model.train()
            for _ in range(args.warmup):
                step()
            sync()
            single = []
            for _ in range(args.steps):
                t0 = time.perf_counter()
                loss = step()
                sync()
                single.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(args.steps):
                loss = step()
            sync()
            pipelined = (time.perf_counter() - t0) / args.steps
            model.eval()
            forward = []
            with torch.inference_mode():
                for i in range(args.warmup + args.steps):
                    t0 = time.perf_counter()
                    model(x)
                    sync()
                    if i >= args.warmup:
                        forward.append(time.perf_counter() - t0)
            train_ms = median_ms(single)
            row.update({
                'train_step_ms': round(train_ms, 3),
                'train_step_ms_pipelined': round(pipelined * 1000.0, 3),
                'train_step_ms_min': round(min(single) * 1000.0, 3),
                'forward_ms': round(median_ms(forward), 3),
                'samples_per_second': round(batch / train_ms * 1000.0, 1),
                'final_loss': round(float(loss.item()), 4),
            })
            if cuda:
                row['max_memory_mib'] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        except Exception as error:  # noqa: BLE001 - one batch size failing must not hide the others
            row['error'] = f'{type(error).__name__}: {error}'
        rows.append(row)
        print(f'batch {batch}: {row}', file=sys.stderr, flush=True)
    result['bench'] = rows
    result['total_seconds'] = round(time.perf_counter() - started, 2)
    emit(result, args.out)
    return 0 if all('error' not in r for r in rows) else 1


def emit(result, out):
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, 'w', encoding='utf8') as f:
            f.write(text + '\n')


if __name__ == '__main__':
    sys.exit(main())
