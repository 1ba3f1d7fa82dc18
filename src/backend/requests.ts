/**
 * The backends a user can ask for (`--backend`, `TFEXP_BACKEND`). Apart from select.ts,
 * which loads tfjs, so the CLI can declare its options without loading it (issue 13).
 */
export const BACKEND_REQUESTS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];
