/** Run folder names: readable letters of any script stay; path separators, control characters and `..` never do. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRunDir, NAME_MAX_BYTES, sanitizeName } from '../../src/runs/dir.js';
import { tempDir } from '../helpers.js';

describe('sanitizeName', () => {
  it('keeps letters and digits of any script, NFC-normalised', () => {
    assert.equal(sanitizeName('実験-1'), '実験-1');
    assert.equal(sanitizeName('πείραμα'), 'πείραμα');
    assert.equal(sanitizeName('Versuch_Ä.v2'), 'Versuch_Ä.v2');
    assert.equal(sanitizeName('प्रयोग'), 'प्रयोग', 'combining vowel signs stay with their letters');
    assert.equal(sanitizeName('πει\u0301ραμα'), 'πείραμα', 'decomposed input comes out composed (NFC)');
    assert.equal(sanitizeName('e\u0301'), '\u00e9');
  });

  it('drops /, \\, :, control characters and ..', () => {
    assert.equal(sanitizeName('a/b\\c:d'), 'a_b_c_d');
    assert.equal(sanitizeName('実験/../πείραμα'), '実験_πείραμα');
    assert.equal(sanitizeName('../../etc/passwd'), 'etc_passwd');
    assert.equal(sanitizeName('..'), 'run');
    assert.equal(sanitizeName('a..b'), 'a_b');
    assert.equal(sanitizeName('x\u0000y\u001b[31mz\nw\u007f\u009b'), 'x_y_31mz_w_');
    assert.equal(sanitizeName('a\u202eb\u200dc'), 'a_b_c', 'bidi overrides and zero-width joiners are not letters');
    assert.equal(sanitizeName('x\u3164y'), 'x_y', 'an invisible Hangul filler is not kept');
    assert.equal(sanitizeName('\u0301x'), 'x', 'no combining mark without a letter');
    assert.equal(sanitizeName('a<b>c"d|e?f*g'), 'a_b_c_d_e_f_g', 'the other characters Windows forbids');
    for (const name of ['a/b', '..', '../x', 'a\\b', 'c:d', 'e\u0000f', 'g\u001bh', 'x..y', '／..／', 'a\u2028b']) {
      const clean = sanitizeName(name);
      assert.ok(!/[/\\:]|\.\.|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(clean), `${JSON.stringify(name)} -> ${JSON.stringify(clean)}`);
      assert.notEqual(clean, '.');
    }
  });

  it('keeps Windows device names and trailing dots out', () => {
    assert.equal(sanitizeName('CON'), 'CON_');
    assert.equal(sanitizeName('nul.txt'), 'nul_.txt');
    assert.equal(sanitizeName('com1'), 'com1_');
    assert.equal(sanitizeName('console'), 'console');
    assert.equal(sanitizeName('name.'), 'name');
    assert.equal(sanitizeName('name. '), 'name._', 'a trailing space becomes _');
    assert.equal(sanitizeName('.hidden'), 'hidden');
  });

  it(`is at most ${NAME_MAX_BYTES} UTF-8 bytes, cut between characters`, () => {
    const long = sanitizeName('実'.repeat(60));
    assert.equal(long, '実'.repeat(33), '33 three-byte characters: 99 bytes');
    assert.equal(sanitizeName('a'.repeat(150)), 'a'.repeat(NAME_MAX_BYTES));
    const marks = sanitizeName('प्रयोग'.repeat(10));
    assert.ok(Buffer.byteLength(marks) <= NAME_MAX_BYTES);
    assert.equal(Buffer.from(marks).toString(), marks, 'valid UTF-8');
    const graphemes = [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment('प्रयोग'.repeat(10))].map((g) => g.segment);
    const whole = graphemes.map((_, k) => graphemes.slice(0, k).join(''));
    assert.ok(whole.includes(marks), `no grapheme cut in two: ${marks}`);
    assert.ok(Buffer.byteLength(marks) > NAME_MAX_BYTES - 12, 'as long as fits');
    assert.equal(sanitizeName(`${'x'.repeat(99)}.y`), 'x'.repeat(99), 'no trailing dot after the cut');
  });
});

describe('run folders', () => {
  it('a run named in CJK or Greek gets a folder with those letters', () => {
    const runsDir = tempDir();
    const now = new Date('2026-11-29T12:00:00Z');
    const a = createRunDir(runsDir, '実験-1', now);
    const b = createRunDir(runsDir, 'πείραμα', now);
    const c = createRunDir(runsDir, '../実験', now);
    assert.deepEqual([a.id, b.id, c.id], ['20261129-120000-実験-1', '20261129-120000-πείραμα', '20261129-120000-実験']);
    assert.ok(existsSync(join(runsDir, '20261129-120000-実験-1')));
    assert.deepEqual(readdirSync(runsDir).sort(), [a.id, b.id, c.id].sort(), 'all inside the runs folder');
  });
});
