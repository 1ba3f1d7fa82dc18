/** CUDA library diagnosis for tfjs-node-gpu, on fake library folders and fake `ldconfig -p` output. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diagnoseCuda, formatCudaDiagnosis, type CudaDiagnosis } from '../../src/backend/cuda.js';
import { writeFiles } from '../helpers.js';

/** A temp folder holding empty files with these names. */
const libDir = (...names: string[]) => writeFiles(Object.fromEntries(names.map((n) => [n, ''])));

/** One `ldconfig -p` cache line. */
const cacheLine = (path: string) => `\t${path.split('/').pop()} (libc6,x86-64) => ${path}`;
const ldconfig = (...paths: string[]) => [`${paths.length} libs found in cache \`/etc/ld.so.cache'`, ...paths.map(cacheLine)].join('\n');

const required = (d: CudaDiagnosis, soname: string) => d.required.find((r) => r.soname === soname)!;

describe('diagnoseCuda', () => {
  it('CUDA 12 and cuDNN 9 only: not ok, reports them and suggests webgpu', () => {
    const cuda12 = libDir('libcudart.so.12', 'libcudart.so.12.4.127', 'libcudnn.so.9', 'libcudnn.so.9.1.0');
    const d = diagnoseCuda({ ldconfigOutput: ldconfig(join(cuda12, 'libcudart.so.12')), ldLibraryPath: '', extraDirs: [cuda12] });
    assert.equal(d.ok, false);
    assert.equal(required(d, 'libcudart.so.11.0').loadable, null);
    assert.equal(required(d, 'libcudnn.so.8').loadable, null);
    assert.deepEqual(
      d.others.map((o) => [o.library, o.major, o.path, o.onLoaderPath]),
      [
        ['cudart', 12, join(cuda12, 'libcudart.so.12'), true],
        ['cudnn', 9, join(cuda12, 'libcudnn.so.9'), true],
      ],
    );
    assert.match(d.summary, /libcudart\.so\.11\.0/);
    assert.match(d.summary, /CUDA 12, cuDNN 9 instead/);
    assert.match(d.fix!, /--backend webgpu/);
    assert.match(d.fix!, /install CUDA 11\.2 and cuDNN 8\.1 side by side with CUDA 12 and cuDNN 9/);
  });

  it('reports a CUDA 12 folder that is not on the loader path as such', () => {
    const cuda12 = libDir('libcudart.so.12');
    const d = diagnoseCuda({ ldconfigOutput: '', ldLibraryPath: '', extraDirs: [cuda12] });
    assert.deepEqual(d.others, [{ library: 'cudart', major: 12, path: join(cuda12, 'libcudart.so.12'), onLoaderPath: false }]);
    assert.match(formatCudaDiagnosis(d), /CUDA 12 at .*libcudart\.so\.12, not on the loader path/);
  });

  it('CUDA 11 and cuDNN 8 on LD_LIBRARY_PATH: ok', () => {
    const empty = libDir();
    const cuda11 = libDir('libcudart.so.11.0', 'libcudart.so.11.2.152', 'libcudnn.so.8', 'libcudnn.so.8.1.0');
    const d = diagnoseCuda({ ldconfigOutput: '', ldLibraryPath: `${empty}:${cuda11}`, extraDirs: [] });
    assert.equal(d.ok, true);
    assert.deepEqual(required(d, 'libcudart.so.11.0').loadable, { path: join(cuda11, 'libcudart.so.11.0'), source: 'LD_LIBRARY_PATH' });
    assert.deepEqual(required(d, 'libcudnn.so.8').loadable, { path: join(cuda11, 'libcudnn.so.8'), source: 'LD_LIBRARY_PATH' });
    assert.deepEqual(d.others, []);
    assert.equal(d.fix, null);
  });

  it('CUDA 11 and cuDNN 8 in the ldconfig cache: ok via ldconfig', () => {
    const cuda11 = libDir('libcudart.so.11.0', 'libcudnn.so.8');
    const d = diagnoseCuda({
      ldconfigOutput: ldconfig(join(cuda11, 'libcudart.so.11.0'), join(cuda11, 'libcudnn.so.8')),
      ldLibraryPath: '',
      extraDirs: [],
    });
    assert.equal(d.ok, true);
    assert.deepEqual(required(d, 'libcudart.so.11.0').loadable, { path: join(cuda11, 'libcudart.so.11.0'), source: 'ldconfig' });
    assert.equal(required(d, 'libcudnn.so.8').loadable?.source, 'ldconfig');
    assert.match(formatCudaDiagnosis(d), /via the ldconfig cache/);
  });

  it('LD_LIBRARY_PATH wins over the ldconfig cache, as in ld.so', () => {
    const cached = libDir('libcudart.so.11.0', 'libcudnn.so.8');
    const onPath = libDir('libcudart.so.11.0');
    const d = diagnoseCuda({ ldconfigOutput: ldconfig(join(cached, 'libcudart.so.11.0'), join(cached, 'libcudnn.so.8')), ldLibraryPath: onPath, extraDirs: [] });
    assert.deepEqual(required(d, 'libcudart.so.11.0').loadable, { path: join(onPath, 'libcudart.so.11.0'), source: 'LD_LIBRARY_PATH' });
    assert.deepEqual(required(d, 'libcudnn.so.8').loadable, { path: join(cached, 'libcudnn.so.8'), source: 'ldconfig' });
  });

  it('a stale ldconfig entry whose file is gone does not count as loadable', () => {
    const gone = join(libDir(), 'libcudart.so.11.0');
    const d = diagnoseCuda({ ldconfigOutput: ldconfig(gone), ldLibraryPath: '', extraDirs: [] });
    assert.equal(required(d, 'libcudart.so.11.0').loadable, null);
  });

  it('present only in a CUDA 11.2 folder off the loader path: not ok, says so, fix adds it to LD_LIBRARY_PATH', () => {
    const cuda112 = join(libDir('cuda-11.2/lib64/libcudart.so.11.0', 'cuda-11.2/lib64/libcudnn.so.8'), 'cuda-11.2', 'lib64');
    const d = diagnoseCuda({ ldconfigOutput: '', ldLibraryPath: '', extraDirs: [cuda112] });
    assert.equal(d.ok, false);
    assert.equal(required(d, 'libcudart.so.11.0').loadable, null);
    assert.deepEqual(required(d, 'libcudart.so.11.0').offLoaderPath, [cuda112]);
    assert.deepEqual(required(d, 'libcudnn.so.8').offLoaderPath, [cuda112]);
    assert.match(d.summary, /present but not on the loader path/);
    assert.match(formatCudaDiagnosis(d), new RegExp(`libcudart\\.so\\.11\\.0 \\(CUDA 11\\.2\\): present in ${cuda112}, but not on the loader path`));
    assert.ok(d.fix!.includes(`export LD_LIBRARY_PATH=${cuda112}:$LD_LIBRARY_PATH`), d.fix!);
    assert.doesNotMatch(d.fix!, /install CUDA/);
  });

  it('ldconfig unavailable (null): no throw, searches LD_LIBRARY_PATH only and says so', () => {
    const cuda11 = libDir('libcudart.so.11.0');
    const d = diagnoseCuda({ ldconfigOutput: null, ldLibraryPath: cuda11, extraDirs: ['/nonexistent/tfexp-test'] });
    assert.equal(d.ldconfigAvailable, false);
    assert.equal(required(d, 'libcudart.so.11.0').loadable?.source, 'LD_LIBRARY_PATH');
    assert.equal(required(d, 'libcudnn.so.8').loadable, null);
    assert.equal(d.ok, false);
    assert.match(formatCudaDiagnosis(d), /ldconfig -p could not run/);
  });

  it('on this machine, with the defaults: returns a well-formed diagnosis without throwing', () => {
    const d = diagnoseCuda();
    assert.deepEqual(
      d.required.map((r) => r.soname),
      ['libcudart.so.11.0', 'libcudnn.so.8'],
    );
    assert.equal(d.ok, d.required.every((r) => r.loadable !== null));
    assert.equal(typeof d.summary, 'string');
    assert.equal(d.fix === null, d.ok);
    const text = formatCudaDiagnosis(d);
    assert.ok(text.split('\n').every((line) => line.length > 0 && !line.startsWith(' ')), text);
  });
});
