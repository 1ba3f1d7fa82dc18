/** The tfexp command line, run in-process through main() (and once as a real process). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { BASELINE, REPO_ROOT, experimentYaml, runCli, sourceEnv, writeFiles } from '../helpers.js';

const GOOD = experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]');

describe('tfexp validate', () => {
  it('prints ok and exits 0 for valid files', async () => {
    const { code, stdout, stderr } = await runCli(['validate', BASELINE]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `${BASELINE}: ok\n`);
  });

  it('prints file:line:col and a suggestion for each bad case, and exits 2', async () => {
    const dir = writeFiles({
      'base.yaml': GOOD,
      'typo.yaml': 'extends: base.yaml\nmodel:\n  layers:\n    - {type: Conv2D, filters: 8, kernal_size: 3}\n',
      'type.yaml': 'extends: base.yaml\nmodel:\n  layers:\n    - {type: MaxPoolin2D}\n',
      'value.yaml': 'extends: base.yaml\ntrain:\n  epochs: many\n',
      'path.yaml': 'extends: bse.yaml\nname: p\n',
      'cycle-a.yaml': 'extends: cycle-b.yaml\n',
      'cycle-b.yaml': 'extends: cycle-a.yaml\n',
    });
    const files = ['typo', 'type', 'value', 'path', 'cycle-a'].map((n) => join(dir, `${n}.yaml`));
    const { code, stdout, stderr } = await runCli(['validate', ...files]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    const expected = [
      new RegExp(`^${files[0]}:4:34: unknown key "kernal_size" in Conv2D layer; did you mean "kernel_size"\\?$`),
      new RegExp(`^${files[1]}:4:14: unknown layer type "MaxPoolin2D"; did you mean "MaxPooling2D"\\?$`),
      new RegExp(`^${files[2]}:3:11: "epochs" must be an integer, got the string "many"$`),
      new RegExp(`^${files[3]}:1:10: extends: cannot find "bse.yaml" .* Did you mean "base.yaml"\\?$`),
      /cycle-b\.yaml:1:10: extends: cycle .*cycle-a\.yaml -> .*cycle-b\.yaml -> .*cycle-a\.yaml/,
    ];
    for (const pattern of expected) {
      assert.ok(lines.some((l) => pattern.test(l)), `no line matches ${pattern}:\n${stderr}`);
    }
  });

  it('reports shape problems from the compiler with the layer and its line', async () => {
    const dir = writeFiles({ 'e.yaml': GOOD.replace('[{type: Flatten}', '[{type: MaxPooling2D, pool_size: 30}, {type: Flatten}') });
    const { code, stderr } = await runCli(['validate', join(dir, 'e.yaml')]);
    assert.equal(code, 2);
    assert.match(stderr, /e\.yaml:5:44: layer 0 \(max_pooling2d, MaxPooling2D\): pool_size 30x30 is larger than its 28x28 input/);
  });
});

describe('tfexp summary', () => {
  it('prints the Keras-style table with shapes, totals and FLOPs', async () => {
    const { code, stdout } = await runCli(['summary', BASELINE]);
    assert.equal(code, 0);
    assert.match(stdout, /^Model: "baseline"/);
    assert.match(stdout, /conv2d \(Conv2D\)\s+\(None, 28, 28, 32\)\s+320\s+451,584/);
    assert.match(stdout, /conv2d_7 \(Conv2D\)\s+\(None, 3, 3, 256\)\s+590,080/);
    assert.match(stdout, /flatten \(Flatten\)\s+\(None, 2304\)/);
    assert.match(stdout, /^Total params: 1,194,730 \(4\.56 MB\)$/m);
    assert.match(stdout, /^Trainable params: 1,194,730/m);
    assert.match(stdout, /^Non-trainable params: 0 /m);
    assert.match(stdout, /^Forward FLOPs per sample: 74,225,664 \(74\.23 MFLOPs\)$/m);
    assert.match(stdout, /^Weights memory: 4,778,920 bytes/m);
  });

  it('--json gives the same figures, and --set changes them', async () => {
    const { code, stdout } = await runCli(['summary', BASELINE, '--json', '--set', 'model.layers.0.filters=16']);
    assert.equal(code, 0);
    const json = JSON.parse(stdout);
    assert.deepEqual(json.layers[0], { name: 'conv2d', type: 'Conv2D', output_shape: [null, 28, 28, 16], params: 160, flops: 2 * 28 * 28 * 16 * 9 });
    assert.equal(json.total_params, 1_194_730 - 320 + 160 - 9248 + (3 * 3 * 16 * 32 + 32));
    assert.equal(json.weight_bytes, json.total_params * 4);
  });

  it('exits 2 with the problem for a bad --set', async () => {
    const { code, stderr } = await runCli(['summary', BASELINE, '--set', 'train.optimizer.lr=0.1']);
    assert.equal(code, 2);
    assert.match(stderr, /^--set train\.optimizer\.lr=0\.1: the schema has no "lr" under "train\.optimizer"/);
  });
});

describe('tfexp render', () => {
  it('prints the resolved experiment, which loads back to the same experiment', async () => {
    const dir = writeFiles({ 'v.yaml': `extends: ${BASELINE}\nname: v\ntrain: {optimizer: adam}\n` });
    const { code, stdout } = await runCli(['render', join(dir, 'v.yaml'), '--set', 'train.epochs=3']);
    assert.equal(code, 0);
    assert.ok(!stdout.includes('extends'));
    assert.match(stdout, /^name: v\n/);
    assert.match(stdout, /beta_2: 0\.999/);
    assert.match(stdout, /epochs: 3/);
    writeFileSync(join(dir, 'rendered.yaml'), stdout);
    const again = loadExperiment(join(dir, 'rendered.yaml')).experiment;
    assert.deepEqual(again, loadExperiment(join(dir, 'v.yaml'), ['train.epochs=3']).experiment);
  });
});

describe('command line', () => {
  it('exits 2 on an unknown command, with a suggestion', async () => {
    const { code, stderr } = await runCli(['sumary', BASELINE]);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "sumary"\. Did you mean summary\?/);
  });

  it('exits 2 on an unknown command close to none, listing the commands (not "Unknown argument")', async () => {
    const { code, stderr } = await runCli(['bogus']);
    assert.equal(code, 2);
    assert.ok(stderr.startsWith('unknown command "bogus". The commands are: run, resume, compare, evaluate, predict, ui, validate, summary, render, data, doctor, bench, worker, sweep.\n'), stderr);
    // An unknown option is still yargs's own message.
    assert.match((await runCli(['validate', BASELINE, '--bogus'])).stderr, /^Unknown argument: bogus/);
  });

  it('runs as a real process through bin/tfexp.js, with exit codes', () => {
    const ok = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), 'validate', BASELINE], { encoding: 'utf8', env: sourceEnv() });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), 'validate', '/nonexistent.yaml'], { encoding: 'utf8', env: sourceEnv() });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /cannot read experiment file "\/nonexistent.yaml": no such file/);
    const help = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), 'summary', '--help'], { encoding: 'utf8', env: sourceEnv() });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--json/);
    assert.match(help.stdout, /--set/);
  });
});
