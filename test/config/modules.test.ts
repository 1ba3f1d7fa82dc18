/**
 * How src/ is put together: one plain-object check for the whole project (config/pointer.ts's
 * isPlainObject, in a module that imports nothing), and no import cycle between its modules
 * (what `npx madge --circular` would say, without installing it: value imports only, since
 * `import type` is erased).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');

/** Every .ts file under src/, absolute. */
function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The modules of src/ a file imports for their values (relative imports, `import type` left out). */
function valueImports(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.[^']+)'/gm)]
    .filter((m) => m[1] === undefined)
    .map((m) => resolve(dirname(file), m[2]!.replace(/\.js$/, '.ts')))
    .filter((path) => known.has(path));
}

describe('src/ modules', () => {
  it('one plain-object check: config/pointer.ts isPlainObject, which imports nothing', () => {
    // A type predicate on an `unknown` parameter that rules out arrays: a copy of isPlainObject.
    const predicate = /\(\s*(\w+)\s*:\s*unknown\s*\)\s*:\s*\1 is [^{=;]+(?:=>|\{)[^;]*?Array\.isArray\(\1\)/s;
    const defining = sources()
      .filter((file) => predicate.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    assert.deepEqual(defining, ['config/pointer.ts']);
    assert.doesNotMatch(readFileSync(join(SRC, 'config/pointer.ts'), 'utf8'), /^import /m);
  });

  it('no import cycle', () => {
    const files = sources();
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, valueImports(f, known)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[][] = [];
    const visit = (file: string, stack: string[]) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file)!) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(SRC, f)));
        else if (state.get(next) === undefined) visit(next, stack);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (state.get(file) === undefined) visit(file, []);
    assert.ok(graph.get(join(SRC, 'plots/interactive.ts'))!.includes(join(SRC, 'config/pointer.ts')), 'the import scan sees interactive.ts importing pointer.ts');
    assert.deepEqual(cycles, []);
  });
});
