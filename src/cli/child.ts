/**
 * The tfexp command as a child process (a sweep's --parallel points, bench's thread counts).
 */
import { fileURLToPath } from 'node:url';

/** bin/tfexp.js of this installation. */
export const TFEXP_BIN = fileURLToPath(new URL('../../bin/tfexp.js', import.meta.url));

/**
 * The environment of a child tfexp: when this process runs the TypeScript sources (tests, a
 * stale dist/), the children must not pick up dist/ (bin/tfexp.js) either.
 */
export const childEnv = (): NodeJS.ProcessEnv => (import.meta.url.endsWith('.ts') ? { ...process.env, TFEXP_FROM_SOURCE: '1' } : process.env);
