/**
 * What the Vulkan loader will find on Linux, to explain a missing WebGPU adapter.
 * Dawn opens `libvulkan.so.1` (the Khronos loader, Debian package libvulkan1), which
 * reads driver manifests (ICD JSON files) from the folders of the Vulkan loader spec
 * (LoaderInterfaceArchitecture.md, "Linux Driver Discovery"), or only those named by
 * VK_DRIVER_FILES / VK_ICD_FILENAMES when set.
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

/** Folders the Vulkan loader searches for driver manifests on Linux, in its order. */
export function driverFolders(env: NodeJS.ProcessEnv): string[] {
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const home = env.HOME ?? homedir();
  return [...configDirs.map((d) => join(d, 'vulkan/icd.d')), '/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan/icd.d')), join(home, '.local/share/vulkan/icd.d')];
}

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
  const loader = findLibrary('libvulkan.so.1', env, cache)?.path ?? null;
  const overrideName = env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : null;
  const override = overrideName === null ? null : `${overrideName}=${env[overrideName]}`;
  const drivers = overrideName === null ? [...new Set(folders.flatMap(manifestsIn))] : env[overrideName]!.split(':').filter((f) => f !== '');
  const missing = drivers.filter((f) => !existsSync(f));
  if (loader === null) return { loader, drivers, override, problem: message.VULKAN_LOADER_MISSING, summary: message.VULKAN_LOADER_MISSING_SHORT };
  if (overrideName !== null && missing.length > 0) return { loader, drivers, override, problem: message.vulkanOverrideMissing(override!, missing), summary: message.vulkanOverrideMissingShort(overrideName) };
  if (drivers.length === 0) return { loader, drivers, override, problem: message.vulkanNoDriver(folders), summary: message.VULKAN_NO_DRIVER_SHORT };
  return { loader, drivers, override, problem: null, summary: null };
}
