/**
 * Every file in experiments/ validates and compiles, and its parameter count equals
 * the Keras formulas computed here independently of the compiler.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../helpers.js';

/** Keras parameter formulas: Conv2D k*k*cin*cout (+cout bias), Dense in*out + out, BatchNormalization 4*c. */
const conv = (cin: number, cout: number, bias = true) => 3 * 3 * cin * cout + (bias ? cout : 0);
const dense = (input: number, units: number) => input * units + units;
const chain = (widths: number[], bias = true) => widths.slice(1).reduce((sum, w, i) => sum + conv(widths[i]!, w, bias), 0);

const baseline = chain([1, 32, 32, 64, 64, 128, 128, 256, 256]) + dense(3 * 3 * 256, 10);
const vgg = (f: number[], head: number) =>
  chain([1, f[0]!, f[0]!, f[1]!, f[1]!, f[2]!, f[2]!, f[2]!, f[3]!, f[3]!, f[3]!, f[4]!, f[4]!, f[4]!]) + dense(f[4]!, head) + dense(head, head) + dense(head, 10);

const EXPECTED: Record<string, number> = {
  'baseline.yaml': baseline,
  'baseline-adam.yaml': baseline,
  'baseline-val.yaml': baseline,
  'fashion-baseline.yaml': baseline,
  'baseline-bn.yaml': chain([1, 32, 32, 64, 64, 128, 128, 256, 256], false) + 4 * (32 + 32 + 64 + 64 + 128 + 128 + 256 + 256) + dense(2304, 10),
  'keras-convnet.yaml': conv(1, 32) + conv(32, 64) + conv(64, 128) + dense(3 * 3 * 128, 10),
  'vgg16-style.yaml': vgg([64, 128, 256, 512, 512], 512),
  'vgg16-style-narrow.yaml': vgg([16, 32, 64, 128, 128], 128),
};

const dir = join(REPO_ROOT, 'experiments');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('experiments/', () => {
  it('has an expected parameter count for every file, and no file is missing', () => {
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
    assert.equal(baseline, 1_194_730, 'the blog model');
  });

  it('every file validates', async () => {
    const { code, stdout, stderr } = await runCli(['validate', ...files.map((f) => join(dir, f))]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim().split('\n').length, files.length);
  });

  for (const file of files) {
    it(`${file} compiles with ${EXPECTED[file]?.toLocaleString('en-US')} parameters`, async () => {
      const { code, stdout } = await runCli(['summary', join(dir, file), '--json']);
      assert.equal(code, 0);
      assert.equal(JSON.parse(stdout).total_params, EXPECTED[file]);
    });
  }
});
