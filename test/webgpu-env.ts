/**
 * WebGPU for tests: a machine without a GPU runs Dawn on SwiftShader, the CPU Vulkan
 * driver Debian's chromium package ships. This sets VK_ICD_FILENAMES to it (unless the
 * environment names a driver already) and starts tfexp's webgpu backend once.
 * Tests that need it skip, with the reason, when it cannot start (no `webgpu` package,
 * no Vulkan loader, no driver).
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../src/backend/select.js';

/** Debian chromium's SwiftShader Vulkan driver manifest. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

let started: Promise<BackendChoice | string> | undefined;

/**
 * Makes webgpu the active tfjs backend.
 * @returns the backend choice, or why WebGPU cannot run here (a test's skip message).
 */
export function useWebGpu(): Promise<BackendChoice | string> {
  // The first call starts the backend; later calls switch back to it (tests move between backends).
  if (started === undefined) return (started = selectBackend({ request: 'webgpu' }).catch((error: Error) => `WebGPU cannot run here: ${error.message}`));
  return started.then(async (result) => {
    if (typeof result !== 'string') await tf.setBackend('webgpu');
    return result;
  });
}
