/**
 * What the Vulkan loader will find on Linux, to explain a missing WebGPU adapter.
 * Dawn opens `libvulkan.so.1` (the Khronos loader, Debian package libvulkan1), which
 * reads driver manifests (ICD JSON files) from the folders of the Vulkan loader spec
 * (LoaderInterfaceArchitecture.md, "Linux Driver Discovery"), or only those named by
 * VK_DRIVER_FILES / VK_ICD_FILENAMES when set, plus any VK_ADD_DRIVER_FILES.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as message from '../../log/message.js';
import { findLibrary, ldconfigCache } from '../libraries.js';

export interface VulkanStatus {
  /** Where libvulkan.so.1 was found, or null. */
  readonly loader: string | null;
  /** Driver manifests the loader will read (the override's files when one is set). */
  readonly drivers: readonly string[];
  /** VK_DRIVER_FILES or VK_ICD_FILENAMES, when set: `NAME=value`. */
  readonly override: string | null;
  /** Why Vulkan cannot work, with the fix; null when a loader and a driver are there. */
  readonly problem: string | null;
  /** The problem in a few words (for run headers' lists of skipped backends); null with it. */
  readonly summary: string | null;
}

/** Folders the Vulkan loader searches for driver manifests on Linux, in its order (XDG config, /etc, XDG data). */
export function driverFolders(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataHome = env.XDG_DATA_HOME || join(home, '.local/share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  return [configHome, ...configDirs, '/etc', dataHome, ...dataDirs].map((d) => join(d, 'vulkan/icd.d'));
}

/** Folders dlopen(3) searches after LD_LIBRARY_PATH and the ldconfig cache (ld.so(8)'s trusted directories). */
const TRUSTED_LIBRARY_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64'];

function manifestsIn(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/**
 * The Vulkan loader and drivers as the loader will see them. Never throws.
 * @param env environment (VK_DRIVER_FILES, VK_ICD_FILENAMES, XDG_*_DIRS, LD_LIBRARY_PATH).
 * @param folders driver-manifest folders to search (default: the loader's own list).
 * @param cache `ldconfig -p` text (default: this machine's; null for none).
 */
export function vulkanStatus(env: NodeJS.ProcessEnv = process.env, folders: readonly string[] = driverFolders(env), cache: string | null = ldconfigCache()): VulkanStatus {
  const loader =
    findLibrary('libvulkan.so.1', env, cache)?.path ?? TRUSTED_LIBRARY_DIRS.map((d) => join(d, 'libvulkan.so.1')).find((path) => existsSync(path)) ?? null;
  const overrideName = env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : null;
  const override = overrideName === null ? null : `${overrideName}=${env[overrideName]}`;
  const added = (env.VK_ADD_DRIVER_FILES ?? '').split(':').filter((f) => f !== '');
  const drivers = [...(overrideName === null ? [...new Set(folders.flatMap(manifestsIn))] : env[overrideName]!.split(':').filter((f) => f !== '')), ...added];
  const missing = drivers.filter((f) => !existsSync(f));
  if (loader === null) return { loader, drivers, override, problem: message.VULKAN_LOADER_MISSING, summary: message.VULKAN_LOADER_MISSING_SHORT };
  if (overrideName !== null && missing.length > 0) return { loader, drivers, override, problem: message.vulkanOverrideMissing(override!, missing), summary: message.vulkanOverrideMissingShort(overrideName) };
  if (drivers.length === 0) return { loader, drivers, override, problem: message.vulkanNoDriver(folders), summary: message.VULKAN_NO_DRIVER_SHORT };
  return { loader, drivers, override, problem: null, summary: null };
}
