/**
 * Choosing webgpu: injected adapters (hardware, software, none, failing) and packages
 * (missing), the software-adapter rule, the Vulkan diagnosis, the recorded adapter.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { SWIFTSHADER_ICD, useWebGpu } from '../webgpu-env.js';
import { allowGpuMemoryGrowth } from '../../src/backend/native.js';
import { selectBackend } from '../../src/backend/select.js';
import { adapterInChildProcess, describeAdapter, isSoftwareAdapter, type DawnModule, type GpuAdapterLike } from '../../src/backend/webgpu/adapter.js';
import { stopWebGpu } from '../../src/backend/webgpu/start.js';
import { vulkanStatus } from '../../src/backend/webgpu/vulkan.js';
import { BackendError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { experimentYaml, REPO_ROOT, sourceEnv, tempDir, writeFiles } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const notFound = (specifier: string) => Object.assign(new Error(`Cannot find package '${specifier}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });

/** An importer with no native TensorFlow and the given `webgpu` module (or none). */
function importer(dawn: DawnModule | null) {
  return (specifier: string) => (specifier === 'webgpu' && dawn !== null ? Promise.resolve(dawn) : Promise.reject(notFound(specifier)));
}

/** A Dawn module whose one adapter is `adapter` (or whose request fails with `adapter` when it is an Error). */
function fakeDawn(adapter: GpuAdapterLike | null | Error): DawnModule {
  return {
    globals: {},
    create: () => ({ requestAdapter: () => (adapter instanceof Error ? Promise.reject(adapter) : Promise.resolve(adapter)) }),
  };
}

/** An adapter that describes itself as given and whose device request fails (nothing real behind it). */
function fakeAdapter(info: GpuAdapterLike['info']): GpuAdapterLike {
  return { info, features: new Set(), limits: {}, requestDevice: () => Promise.reject(new Error('fake adapter: no device')) };
}

const H200 = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', isFallbackAdapter: false };
const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };

after(() => stopWebGpu());

describe('software adapters', () => {
  it('are told by the fallback flag or by a software driver name', () => {
    assert.equal(isSoftwareAdapter(fakeAdapter(SWIFTSHADER)), true);
    assert.equal(isSoftwareAdapter(fakeAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })), true);
    assert.equal(isSoftwareAdapter(fakeAdapter({ vendor: 'mesa', architecture: '', description: 'Mesa lavapipe' })), true);
    assert.equal(isSoftwareAdapter(fakeAdapter({ description: 'Microsoft Basic Render Driver' })), true);
    assert.equal(isSoftwareAdapter(fakeAdapter(H200)), false);
    assert.equal(isSoftwareAdapter(fakeAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics 770' })), false);
    assert.deepEqual(describeAdapter(fakeAdapter(H200)), { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', kind: 'hardware' });
  });
});

describe('auto and webgpu', () => {
  it('a software adapter is never picked by auto: wasm, with the reason', async () => {
    const choice = await selectBackend({ request: 'auto', threads: 1, importer: importer(fakeDawn(fakeAdapter(SWIFTSHADER))) });
    assert.equal(choice.name, 'wasm');
    const webgpu = choice.skipped.find((s) => s.backend === 'webgpu');
    assert.equal(webgpu?.reason, message.softwareAdapterSkipped(describeAdapter(fakeAdapter(SWIFTSHADER))));
  });

  it('a missing package, a failing request, no adapter, a device that does not start: each skipped with its reason', async () => {
    const cases: [DawnModule | null, RegExp][] = [
      [null, /^not installed$/],
      [fakeDawn(new Error('VK_ERROR_DEVICE_LOST\nmore')), /^the adapter request failed: VK_ERROR_DEVICE_LOST$/],
      [fakeDawn(null), /^no WebGPU adapter: the GPU driver offers no device Dawn can use$/],
      [fakeDawn(fakeAdapter(H200)), /^the adapter was found but its device did not start: fake adapter: no device$/],
    ];
    for (const [dawn, reason] of cases) {
      const choice = await selectBackend({ request: 'auto', threads: 1, importer: importer(dawn) });
      assert.equal(choice.name, 'wasm');
      assert.match(choice.skipped.find((s) => s.backend === 'webgpu')?.reason ?? '', reason);
    }
  });

  it('--backend webgpu without the package is exit 2 with the install command', async () => {
    await assert.rejects(selectBackend({ request: 'webgpu', importer: importer(null) }), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.equal(error.exitCode, 2);
      assert.ok(error.message.includes(message.INSTALL_WEBGPU), error.message);
      return true;
    });
  });

  it('a hardware adapter wins over wasm, and the choice records it', async (t) => {
    const reason = await useWebGpu();
    if (typeof reason === 'string') return t.skip(reason);
    // The real SwiftShader adapter, presenting itself as an NVIDIA GPU: auto must start webgpu on it.
    const real = (await import('webgpu')) as unknown as DawnModule;
    const disguised: DawnModule = {
      globals: real.globals,
      create: (flags) => {
        const gpu = real.create(flags);
        return {
          requestAdapter: async (options) => {
            const adapter = await gpu.requestAdapter(options);
            return adapter === null ? null : Object.assign(Object.create(adapter) as GpuAdapterLike, { info: H200, features: adapter.features, limits: adapter.limits, requestDevice: adapter.requestDevice.bind(adapter) });
          },
        };
      },
    };
    const choice = await selectBackend({ request: 'auto', importer: importer(disguised) });
    assert.equal(choice.name, 'webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    assert.equal(choice.device, 'gpu');
    assert.deepEqual(choice.adapter, { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', kind: 'hardware' });
    assert.deepEqual(choice.warnings, []);
    assert.equal(message.backendCell(choice), 'webgpu/NVIDIA H200');
    const sum = await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data();
    assert.deepEqual(Array.from(sum), [4, 6]);
  });

  it('--backend webgpu takes a software adapter, with a warning, and records it as software on the CPU', async (t) => {
    const reason = await useWebGpu();
    if (typeof reason === 'string') return t.skip(reason);
    const choice = await selectBackend({ request: 'webgpu' });
    assert.equal(choice.adapter?.kind, 'software');
    assert.equal(choice.device, 'cpu');
    assert.deepEqual(choice.warnings, [message.softwareAdapterWarning(choice.adapter!)]);
    assert.match(message.packageAndThreads(choice), /^@tensorflow\/tfjs-backend-webgpu on webgpu \d+\.\d+\.\d+, adapter SwiftShader.*, software$/);
  });
});

describe('auto asks a child process for the adapter', () => {
  // Where Dawn can run on SwiftShader, with no desktop session: the drivers then print lines of their own.
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  delete env.VK_DRIVER_FILES;
  delete env.XDG_RUNTIME_DIR;
  delete env.WAYLAND_DISPLAY;
  const skip = existsSync(SWIFTSHADER_ICD) && vulkanStatus(env).problem === null ? false : 'no SwiftShader driver or no Vulkan loader here';

  it('which finds SwiftShader (software) with its driver, and no adapter with none', { skip }, async () => {
    const seen = await adapterInChildProcess(env);
    assert.ok('adapter' in seen && seen.adapter !== null, JSON.stringify(seen));
    assert.equal(describeAdapter(seen.adapter).kind, 'software');
    assert.match(describeAdapter(seen.adapter).description, /SwiftShader/);
    assert.deepEqual(await adapterInChildProcess({ ...env, VK_ICD_FILENAMES: '/nonexistent/tfexp-test-driver.json' }), { adapter: null });
  });

  it('and says why when the child fails: its error, its exit, an answer it never gave', async () => {
    const scripts = writeFiles({
      'throws.mjs': "process.stdout.write(process.argv[2] + JSON.stringify({ error: 'VK_ERROR_INITIALIZATION_FAILED' }) + '\\n');",
      'crashes.mjs': "process.stderr.write('native noise\\n'); process.exit(3);",
      'garbage.mjs': "process.stdout.write(process.argv[2] + '{not json\\n');",
      'noisy.mjs': "process.stdout.write('a driver line\\n' + process.argv[2] + JSON.stringify({ adapter: null }) + '\\nmore\\n');",
    });
    const ask = (name: string) => adapterInChildProcess({ ...process.env }, pathToFileURL(join(scripts, name)));
    assert.deepEqual(await ask('throws.mjs'), { failed: 'VK_ERROR_INITIALIZATION_FAILED' });
    assert.deepEqual(await ask('crashes.mjs'), { failed: 'a probe process ended with exit code 3 and no answer' });
    assert.deepEqual(await ask('garbage.mjs'), { failed: 'a probe process ended with exit code 0 and no answer' });
    assert.deepEqual(await ask('noisy.mjs'), { adapter: null }, 'other lines on stdout around the answer');
  });

  it("so the lines Dawn and the drivers print stay out of tfexp's output (run and bench, --backend auto)", { skip }, (t) => {
    const bare = spawnSync(process.execPath, [join(REPO_ROOT, 'src/backend/webgpu/probe-child.mjs')], { env, encoding: 'utf8' });
    if (bare.stderr.trim() === '') return t.skip('Dawn prints nothing here (no libwayland-client): nothing to keep out');
    const small = join(writeFiles({ 'small.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]', '  batch_size: 8') }), 'small.yaml');
    const commands = [
      ['run', writeRunFixture(), '--threads', '1'],
      ['bench', small, '--steps', '1', '--warmup', '0', '--threads', '1'],
    ];
    for (const args of commands) {
      const out = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), ...args], { env: sourceEnv(env), cwd: tempDir(), encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      // What Dawn printed on its own (the bare probe) appears nowhere in tfexp's output.
      for (const line of bare.stderr.split('\n').filter((l) => l.trim() !== '')) {
        assert.ok(!out.stderr.includes(line) && !out.stdout.includes(line), `tfexp ${args[0]}: Dawn's line reached tfexp's output: ${line}`);
      }
    }
  });
});

describe('Vulkan diagnosis', () => {
  const ldconfig = (path: string) => `1 libs found in cache\n\tlibvulkan.so.1 (libc6,x86-64) => ${path}\n`;

  it('names a missing loader, a missing driver, a wrong override; finds drivers in the loader folders', () => {
    const dir = tempDir();
    const loader = join(dir, 'libvulkan.so.1');
    writeFileSync(loader, '');
    const icd = join(dir, 'icd.d');
    mkdirSync(icd);
    assert.equal(vulkanStatus({}, [icd], null).problem, message.VULKAN_LOADER_MISSING);
    assert.equal(vulkanStatus({}, [icd], null).summary, message.VULKAN_LOADER_MISSING_SHORT);
    assert.equal(vulkanStatus({ LD_LIBRARY_PATH: dir }, [icd], null).loader, loader);
    assert.equal(vulkanStatus({}, [icd], ldconfig(loader)).problem, message.vulkanNoDriver([icd]));
    assert.equal(vulkanStatus({ VK_ICD_FILENAMES: '/nowhere/icd.json' }, [icd], ldconfig(loader)).problem, message.vulkanOverrideMissing('VK_ICD_FILENAMES=/nowhere/icd.json', ['/nowhere/icd.json']));
    writeFileSync(join(icd, 'nvidia_icd.json'), '{}');
    assert.deepEqual(vulkanStatus({}, [icd], ldconfig(loader)), { loader, drivers: [join(icd, 'nvidia_icd.json')], override: null, problem: null, summary: null });
    assert.equal(vulkanStatus({ VK_ICD_FILENAMES: SWIFTSHADER_ICD }, [], ldconfig(loader)).override, `VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
  });
});

describe('TF_FORCE_GPU_ALLOW_GROWTH', () => {
  it('is set to true for tfjs-node-gpu unless the user set it', () => {
    const env: NodeJS.ProcessEnv = {};
    assert.equal(allowGpuMemoryGrowth(env), true);
    assert.equal(env.TF_FORCE_GPU_ALLOW_GROWTH, 'true');
    const mine: NodeJS.ProcessEnv = { TF_FORCE_GPU_ALLOW_GROWTH: 'false' };
    assert.equal(allowGpuMemoryGrowth(mine), false);
    assert.equal(mine.TF_FORCE_GPU_ALLOW_GROWTH, 'false');
  });
});
