/**
 * Why `@tensorflow/tfjs-node-gpu` cannot use CUDA. tfjs-node-gpu 4.22 runs
 * libtensorflow 2.9, built against CUDA 11.2 and cuDNN 8.1 (TensorFlow's
 * "tested build configurations" table: tensorflow-2.9.0, cuDNN 8.1, CUDA 11.2).
 * It dlopens exactly `libcudart.so.11.0` and `libcudnn.so.8`, so a machine with
 * only CUDA 12/13 (`libcudart.so.12`, `.13`) or cuDNN 9 (`libcudnn.so.9`) logs
 * "Could not load dynamic library 'libcudart.so.11.0'" and runs on the CPU.
 *
 * Only LD_LIBRARY_PATH and the ldconfig cache count as "loadable" (what the
 * dynamic loader searches); the usual CUDA folders are scanned only to report
 * what is installed but off the loader path.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as message from '../log/message.js';
import { ldconfigCache, parseLdconfig } from './libraries.js';

export type CudaLibrary = 'cudart' | 'cudnn';

/** A library libtensorflow 2.9 dlopens by this exact name. */
export interface RequiredCudaLibrary {
  readonly library: CudaLibrary;
  readonly soname: string;
  /** The major version whose soname this is. */
  readonly major: number;
  /** The release libtensorflow 2.9 was built against, e.g. "CUDA 11.2". */
  readonly release: string;
}

export const REQUIRED_CUDA_LIBRARIES: readonly RequiredCudaLibrary[] = [
  { library: 'cudart', soname: 'libcudart.so.11.0', major: 11, release: 'CUDA 11.2' },
  { library: 'cudnn', soname: 'libcudnn.so.8', major: 8, release: 'cuDNN 8.1' },
];

/** Everything `diagnoseCuda` looks at, injectable for tests; each field defaults to this machine's. */
export interface CudaSearch {
  /** `ldconfig -p` output; null when ldconfig cannot run. Default: runs `ldconfig -p` (or /sbin/ldconfig). */
  ldconfigOutput?: string | null;
  /** Colon-separated folders. Default: `process.env.LD_LIBRARY_PATH`. */
  ldLibraryPath?: string;
  /** Folders scanned only to report what is installed. Default: `defaultCudaDirs()`. */
  extraDirs?: readonly string[];
}

/** Where the dynamic loader finds a library. */
export interface LoaderHit {
  readonly path: string;
  readonly source: 'LD_LIBRARY_PATH' | 'ldconfig';
}

export interface RequiredStatus extends RequiredCudaLibrary {
  /** Where the dynamic loader finds it, or null. */
  readonly loadable: LoaderHit | null;
  /** When not loadable: the scanned folders that hold it anyway (off the loader path, or added after ldconfig last ran). */
  readonly offLoaderPath: readonly string[];
}

/** A CUDA runtime or cuDNN of another major version than the one required. */
export interface OtherCudaVersion {
  readonly library: CudaLibrary;
  readonly major: number;
  /** The first matching file, e.g. /usr/local/cuda-12.4/lib64/libcudart.so.12. */
  readonly path: string;
  /** Whether its folder is on LD_LIBRARY_PATH or in the ldconfig cache. */
  readonly onLoaderPath: boolean;
}

export interface CudaDiagnosis {
  readonly required: readonly RequiredStatus[];
  readonly others: readonly OtherCudaVersion[];
  /** False when ldconfig could not run (then only LD_LIBRARY_PATH was searched). */
  readonly ldconfigAvailable: boolean;
  /** Every required library is loadable. */
  readonly ok: boolean;
  readonly summary: string;
  /** How to make tfjs-node-gpu find its libraries; null when ok. */
  readonly fix: string | null;
}

const LIBRARY_NAME = /^lib(cudart|cudnn)\.so\.(\d+)(?:\.\d+)*$/;

interface Found {
  readonly name: string;
  readonly path: string;
  readonly source: 'LD_LIBRARY_PATH' | 'ldconfig' | 'scan';
}

/**
 * The usual CUDA library folders: /usr/local/cuda/lib64, the lib64 of every
 * /usr/local/cuda-VERSION folder (sorted), /usr/lib/x86_64-linux-gnu, /usr/lib64.
 * Never throws (an unreadable /usr/local gives the fixed folders only).
 */
export function defaultCudaDirs(): string[] {
  let versioned: string[] = [];
  try {
    versioned = readdirSync('/usr/local')
      .filter((name) => name.startsWith('cuda-'))
      .sort()
      .map((name) => `/usr/local/${name}/lib64`);
  } catch {
    // no /usr/local: nothing to add
  }
  return ['/usr/local/cuda/lib64', ...versioned, '/usr/lib/x86_64-linux-gnu', '/usr/lib64'];
}

/** Library files in `dir` (empty when it cannot be read). */
function scanDir(dir: string, source: Found['source']): Found[] {
  try {
    return readdirSync(dir)
      .filter((name) => LIBRARY_NAME.test(name))
      .sort()
      .map((name) => ({ name, path: join(dir, name), source }));
  } catch {
    return [];
  }
}

/** A folder's canonical path, for comparing folders reached through symlinks (/usr/local/cuda). */
function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

const realDir = (path: string) => canonical(dirname(path));

/**
 * Finds where the dynamic loader would load the CUDA runtime and cuDNN that
 * tfjs-node-gpu 4.22 (libtensorflow 2.9: CUDA 11.2, cuDNN 8.1) needs, and
 * which other CUDA runtime / cuDNN major versions are installed instead.
 * @param search ldconfig output, LD_LIBRARY_PATH and folders to scan; defaults to this machine's.
 * @returns per required library its loader hit (LD_LIBRARY_PATH first, then the
 *   ldconfig cache, as ld.so searches) or the folders that hold it off the loader
 *   path; the other versions found; `ok`, a one-line `summary` and a `fix`.
 * Never throws: a failing ldconfig or unreadable folder just yields fewer findings.
 */
export function diagnoseCuda(search: CudaSearch = {}): CudaDiagnosis {
  const ldconfig = search.ldconfigOutput === undefined ? ldconfigCache() : search.ldconfigOutput;
  const ldDirs = (search.ldLibraryPath ?? process.env.LD_LIBRARY_PATH ?? '').split(/[:;]/).filter((d) => d !== '');
  const extraDirs = search.extraDirs ?? defaultCudaDirs();

  const cache: Found[] = [];
  for (const [name, path] of parseLdconfig(ldconfig ?? '')) cache.push({ name, path, source: 'ldconfig' });
  const fromLdPath = ldDirs.flatMap((dir) => scanDir(dir, 'LD_LIBRARY_PATH'));
  const all = [...cache.filter((f) => LIBRARY_NAME.test(f.name)), ...fromLdPath, ...extraDirs.flatMap((d) => scanDir(d, 'scan'))];
  const loaderDirs = new Set([...ldDirs.map(canonical), ...cache.map((f) => realDir(f.path))]);
  const onLoaderPath = (f: Found) => loaderDirs.has(realDir(f.path));

  const required = REQUIRED_CUDA_LIBRARIES.map((lib): RequiredStatus => {
    const hit = [...fromLdPath, ...cache].find((f) => f.name === lib.soname && existsSync(f.path));
    const loadable = hit === undefined ? null : { path: hit.path, source: hit.source as LoaderHit['source'] };
    const off = loadable !== null ? [] : all.filter((f) => f.name === lib.soname && f.source === 'scan').map((f) => dirname(f.path));
    return { ...lib, loadable, offLoaderPath: [...new Set(off)] };
  });

  const others: OtherCudaVersion[] = [];
  const seen = new Set<string>();
  for (const f of all) {
    const [, library, major] = LIBRARY_NAME.exec(f.name)!;
    const req = REQUIRED_CUDA_LIBRARIES.find((r) => r.library === library)!;
    const key = `${library} ${major} ${realDir(f.path)}`;
    if (Number(major) === req.major || seen.has(key)) continue;
    seen.add(key);
    others.push({ library: req.library, major: Number(major), path: f.path, onLoaderPath: onLoaderPath(f) });
  }

  const ok = required.every((r) => r.loadable !== null);
  const missing = required.filter((r) => r.loadable === null);
  const offDirs = [...new Set(missing.flatMap((r) => r.offLoaderPath))];
  const instead = [...new Set(others.map((o) => message.cudaLibraryLabel(o.library, o.major)))];
  return {
    required,
    others,
    ldconfigAvailable: ldconfig !== null,
    ok,
    summary: ok
      ? message.cudaLibrariesOk(required.map((r) => r.soname))
      : message.cudaLibrariesMissing(
          missing.map((r) => r.soname),
          missing.filter((r) => r.offLoaderPath.length > 0).map((r) => r.soname),
          instead,
        ),
    fix: ok ? null : message.cudaFix(offDirs, missing.some((r) => r.offLoaderPath.length === 0), instead),
  };
}

/** The diagnosis as a few unindented lines for `tfexp doctor` (the caller indents). */
export function formatCudaDiagnosis(d: CudaDiagnosis): string {
  const lines = [d.summary];
  for (const r of d.required) {
    if (r.loadable !== null) lines.push(message.cudaLibraryLoadable(r.soname, r.release, r.loadable.path, r.loadable.source));
    else if (r.offLoaderPath.length > 0) lines.push(message.cudaLibraryOffLoaderPath(r.soname, r.release, r.offLoaderPath));
    else lines.push(message.cudaLibraryAbsent(r.soname, r.release));
  }
  for (const o of d.others) lines.push(message.cudaOtherVersion(message.cudaLibraryLabel(o.library, o.major), o.path, o.onLoaderPath));
  if (!d.ldconfigAvailable) lines.push(message.CUDA_LDCONFIG_UNAVAILABLE);
  if (d.fix !== null) lines.push(`CUDA fix: ${d.fix}`);
  return lines.join('\n');
}
