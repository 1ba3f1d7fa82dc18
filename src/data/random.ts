/**
 * A small seeded PRNG for reproducible shuffles and splits.
 *
 * Original source: mulberry32 by Tommy Ettinger (public domain),
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c — a 32-bit state
 * generator, ample for permuting up to millions of indices.
 */

/**
 * Returns a generator of floats in [0, 1) determined by `seed` (an integer; only its low 32 bits count).
 * The same seed always gives the same sequence, on every platform.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded permutation of 0..n-1 (Fisher-Yates shuffle driven by `mulberry32(seed)`).
 * @param n number of indices, >= 0.
 * @returns a new Uint32Array of length n.
 */
export function permutation(n: number, seed: number): Uint32Array {
  const random = mulberry32(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
