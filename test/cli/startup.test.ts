/**
 * Start-up (issue 13): which modules each command loads, the usage errors, and the
 * compiled build (scripts/build.ts) running on its own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { formatDataReport } from '../../src/cli/commands/data.js';
import { PRECOMPILED_VALIDATOR } from '../../src/config/validate.js';
import { loadDataset } from '../../src/data/load.js';
import * as message from '../../src/log/message.js';
import { writeIdxDataset } from '../data/fixtures.js';
import { BASELINE, REPO_ROOT, experimentYaml, runCli, sourceEnv, tempDir, writeFiles } from '../helpers.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ...args` in the repository root and collects its output. */
function node(args: string[], env: NodeJS.ProcessEnv = sourceEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI from its sources (src/cli/main.ts through tsx) and returns the modules it
 * loaded, as paths relative to the repository ("src/config/index.ts",
 * "node_modules/@tensorflow/tfjs/dist/tf.node.js"; node built-ins left out), with its output.
 */
async function modulesLoadedBy(args: string[]): Promise<Ran & { modules: string[] }> {
  const log = join(tempDir(), 'modules.log');
  const recorder = join(REPO_ROOT, 'test/cli/record-loads.mjs');
  const ran = await node(['--import', 'tsx', '--import', recorder, join(REPO_ROOT, 'src/cli/main.ts'), ...args], { ...sourceEnv(), TFEXP_LOAD_LOG: log });
  const root = pathToFileURL(join(REPO_ROOT, '/')).href;
  // Packages by their path from the last node_modules/ (node_modules may be a link out of the tree).
  const relative = (url: string) => (url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 1) : url.startsWith(root) ? url.slice(root.length) : undefined);
  const modules = [...new Set(readFileSync(log, 'utf8').split('\n'))].flatMap((url) => relative(url) ?? []).map(decodeURIComponent);
  return { ...ran, modules };
}

/** npm packages among `modules` ("@tensorflow/tfjs", "yargs"). */
function packages(modules: readonly string[]): Set<string> {
  return new Set(modules.flatMap((m) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));
}

/** Packages no command that only reads or describes an experiment may load. */
const HEAVY = /^(@tensorflow\/|vega|@resvg\/|@img\/|sharp$|webgpu$|cli-progress$)/;
/** Source folders of training, the backends, comparison and plots. */
const HEAVY_SOURCES = /^src\/(train|plots|compare|runs|sweep|backend)\//;
/** The light modules of those folders that declare CLI options. */
const OPTION_SOURCES = new Set(['src/backend/requests.ts', 'src/compare/formats.ts']);
/** Modules outside src/cli/ that the command definitions may load: no packages, no I/O at import. */
const DEFINITION_SOURCES = new Set([...OPTION_SOURCES, 'src/errors.ts', 'src/log/message.ts', 'src/data/datasets.ts', 'src/data/stats.ts']);
/** yargs and its dependencies, and tsx (these tests run the sources). */
const CLI_PACKAGES = /^(yargs|yargs-parser|cliui|y18n|escalade|get-caller-file|string-width|strip-ansi|ansi-regex|ansi-styles|wrap-ansi|emoji-regex|get-east-asian-width|tsx|esbuild)$/;

describe('start-up: what each command loads', () => {
  it('--help and --version load yargs and the command definitions, nothing else', async () => {
    const runs = await Promise.all(['--help', '--version'].map(async (flag) => ({ flag, ...(await modulesLoadedBy([flag])) })));
    for (const { flag, code, stderr, modules } of runs) {
      assert.equal(code, 0, stderr);
      assert.ok(modules.includes('src/cli/commands/validate.ts'), `${flag}: the recorder saw no command definition`);
      const loaded = [...packages(modules)].filter((p) => !CLI_PACKAGES.test(p));
      assert.deepEqual(loaded, [], `${flag} loaded ${loaded.join(', ')}`);
      const sources = modules.filter((m) => m.startsWith('src/') && !m.startsWith('src/cli/') && !DEFINITION_SOURCES.has(m));
      assert.deepEqual(sources, [], `${flag} loaded ${sources.join(', ')}`);
    }
  });

  it('validate and render load neither tfjs, vega nor resvg, nor training, backends, compare or plots', async () => {
    const runs = await Promise.all(['validate', 'render'].map(async (command) => ({ command, ...(await modulesLoadedBy([command, BASELINE])) })));
    for (const { command, code, stderr, modules } of runs) {
      assert.equal(code, 0, stderr);
      assert.ok(modules.includes('src/model/plan.ts'), `${command} plans the model`); // the recorder saw the run
      const heavy = [...packages(modules)].filter((p) => HEAVY.test(p));
      assert.deepEqual(heavy, [], `${command} loaded ${heavy.join(', ')}`);
      const sources = modules.filter((m) => HEAVY_SOURCES.test(m) && !OPTION_SOURCES.has(m));
      assert.deepEqual(sources, [], `${command} loaded ${sources.join(', ')}`);
      assert.ok(!modules.includes('src/model/build.ts'), `${command} loaded the tfjs model builder`);
    }
  });

  it('the recorder sees tfjs when a command needs it (summary builds the model)', async () => {
    const dir = writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]') });
    const { code, stderr, modules } = await modulesLoadedBy(['summary', join(dir, 'e.yaml')]);
    assert.equal(code, 0, stderr);
    assert.ok(packages(modules).has('@tensorflow/tfjs'), 'summary did not load @tensorflow/tfjs');
  });
});

describe('usage errors', () => {
  it('a command without its file names the missing argument and shows the usage line', async () => {
    const summary = await runCli(['summary']);
    assert.deepEqual(summary, { code: 2, stdout: '', stderr: `${message.missingArgument('summary', '<file>', 'summary <file>')}\n` });
    assert.match(summary.stderr, /^tfexp summary: missing argument <file>\.\nUsage: tfexp summary <file> \[options\]\n/);
    for (const [command, usage] of [['validate', 'validate <files..>'], ['run', 'run <files..>'], ['compare', 'compare <runs..>'], ['render', 'render <file>'], ['data', 'data <target>'], ['evaluate', 'evaluate <dir>'], ['predict', 'predict <dir> <images..>']] as const) {
      const { code, stderr } = await runCli([command]);
      assert.equal(code, 2, command);
      assert.equal(stderr, `${message.missingArgument(command, usage.split(' ')[1]!, usage)}\n`);
    }
    // Options may come first; the message is not yargs's.
    const withOptions = await runCli(['validate', '--set', 'train.epochs=1']);
    assert.equal(withOptions.stderr, `${message.missingArgument('validate', '<files..>', 'validate <files..>')}\n`);
    assert.match(withOptions.stderr, /missing argument <files\.\.> \(one or more\)/);
    assert.doesNotMatch(withOptions.stderr, /Not enough non-option arguments/);
  });

  it('the missing-argument message is the same in any language (yargs would translate from LANG)', async () => {
    const env: NodeJS.ProcessEnv = { ...sourceEnv(), LANG: 'de_DE.UTF-8' };
    delete env.LC_ALL;
    delete env.LC_MESSAGES;
    const summary = await node([join(REPO_ROOT, 'bin/tfexp.js'), 'summary'], env);
    assert.deepEqual(summary, { code: 2, stdout: '', stderr: `${message.missingArgument('summary', '<file>', 'summary <file>')}\n` });
  });

  it('the help of commands taking file lists shows no "[default: []]"', async () => {
    const helps = await Promise.all(['validate', 'run', 'compare'].map((command) => node([join(REPO_ROOT, 'bin/tfexp.js'), command, '--help'])));
    for (const help of helps) {
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^ {2}(files|runs) .*\[array\] \[required\]$/m);
      assert.doesNotMatch(help.stdout, /\[default: \[\]\]/);
    }
  });
});

describe('tfexp data: class balance', () => {
  it('prints a digit label once (its class name is the label); named classes keep their name', async () => {
    const root = tempDir();
    writeIdxDataset(join(root, 'mnist'), 20, 10, false);
    writeIdxDataset(join(root, 'fashion-mnist'), 20, 10, false);
    const options = { dataDir: root, env: {}, checksums: {} };
    const digits = formatDataReport(await loadDataset('mnist', options));
    assert.ok(digits.includes(`\n${message.dataClassLine(0, undefined, 2, 1, 20)}\n`), digits);
    assert.match(digits, /\n {3}0 train +2 \(10\.0%\) +test +1\n/);
    assert.doesNotMatch(digits, /\n +(\d+) \1 +train/);
    const fashion = formatDataReport(await loadDataset('fashion-mnist', options));
    assert.ok(fashion.includes(`\n${message.dataClassLine(0, 'T-shirt/top', 2, 1, 20)}\n`), fashion);
    assert.match(fashion, /\n {3}9 Ankle boot +train +2 \(10\.0%\) +test +1\n/);
  });
});

describe('the build (npm run build)', () => {
  it('emits dist/ that runs without tsx: --version, and validate with the precompiled schema validator as the sources do', async () => {
    // Inside the repository (git-ignored), so node_modules, package.json and schemas/ resolve as from dist/.
    const out = join(REPO_ROOT, `.dist-test-${process.pid}`);
    try {
      const build = await node(['--import', 'tsx', join(REPO_ROOT, 'scripts/build.ts'), '--outdir', out]);
      assert.equal(build.code, 0, build.stderr);
      for (const asset of ['backend/simd/kernels.wasm', 'backend/simd/kernels-unshared.wasm', 'backend/simd/worker.mjs', `config/${PRECOMPILED_VALIDATOR}`, 'ui/client/index.html', 'ui/client/app.js']) {
        assert.ok(existsSync(join(out, asset)), `${asset} missing from the build`);
      }
      // When the build started, as bin/tfexp.js compares it with src/.
      const info = JSON.parse(readFileSync(join(out, '.build-info.json'), 'utf8')) as { sourcesNewest: unknown };
      assert.equal(typeof info.sourcesNewest, 'number');
      // A second build replaces the first by renames, leaving nothing beside it.
      const rebuild = await node(['--import', 'tsx', join(REPO_ROOT, 'scripts/build.ts'), '--outdir', out]);
      assert.equal(rebuild.code, 0, rebuild.stderr);
      const beside = readdirSync(REPO_ROOT).filter((name) => name.startsWith(`.dist-test-${process.pid}.`));
      assert.deepEqual(beside, []);
      const built = (args: string[]) => node([join(out, 'cli/main.js'), ...args], process.env);
      const version = await built(['--version']);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);

      // Schema errors (unknown key, wrong type, unknown layer, missing key) and a filled default, both ways.
      const dir = writeFiles({
        'bad.yaml': experimentYaml('[{type: Conv2D, filters: 8, kernal_size: 3}, {type: MaxPoolin2D}, {type: Dense}]', '  epochs: many\n  batch_size: 0'),
        'good.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]'),
      });
      const files = [join(dir, 'bad.yaml'), join(dir, 'good.yaml')];
      const [fromBuild, fromSources] = await Promise.all([built(['validate', ...files]), runCli(['validate', ...files])]);
      assert.deepEqual(fromBuild, fromSources);
      assert.equal(fromBuild.code, 2);
      const [renderedBuild, renderedSources] = await Promise.all([built(['render', files[1]!]), runCli(['render', files[1]!])]);
      assert.equal(renderedBuild.code, 0, renderedBuild.stderr);
      assert.equal(renderedBuild.stdout, renderedSources.stdout);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
