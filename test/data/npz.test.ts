import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { DataError } from '../../src/errors.js';
import { encodeNpy, parseNpy } from '../../src/data/npy.js';
import { parseNpz } from '../../src/data/npz.js';
import * as message from '../../src/log/message.js';

const file = 'd/mnist.npz';
const x = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i);

test('.npy: uint8 images and int64 labels read as uint8 with their shape', () => {
  const images = parseNpy(encodeNpy('|u1', [3, 2, 2], x), file, 'x_train.npy');
  assert.deepEqual(images.shape, [3, 2, 2]);
  assert.deepEqual([...images.data], [...x]);
  const labels = parseNpy(encodeNpy('<i8', [3], [9, 0, 4]), file, 'y_train.npy');
  assert.deepEqual(labels.shape, [3]);
  assert.deepEqual([...labels.data], [9, 0, 4]);
  // the encoder pads the header so the data starts on a 64-byte boundary, as numpy does
  assert.equal((encodeNpy('|u1', [3], [1, 2, 3]).length - 3) % 64, 0);
});

test('.npy: bad magic, truncated data, negative labels, Fortran order are DataErrors', () => {
  assert.throws(() => parseNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), file, 'x.npy'), (e: unknown) => e instanceof DataError && e.message === message.npyBadMagic(file, 'x.npy'));
  const whole = encodeNpy('|u1', [3, 2, 2], x);
  assert.throws(() => parseNpy(whole.subarray(0, whole.length - 2), file, 'x.npy'), (e: unknown) => e instanceof DataError && e.message === message.npyTruncated(file, 'x.npy', 12, 10));
  assert.throws(() => parseNpy(encodeNpy('<i8', [2], [1, -1]), file, 'y.npy'), /value -1 at position 1 does not fit in uint8/);
  // The same bytes with the header's False made True (byte for byte: the magic's 0x93 must survive).
  const fortran = Buffer.from(whole);
  fortran.write('True ', fortran.indexOf('False'), 'latin1');
  assert.throws(() => parseNpy(fortran, file, 'x.npy'), /Fortran order/);
});

test('.npz: Keras layout (stored and deflated) reads all four arrays; a missing member is named', () => {
  const members = {
    'x_train.npy': encodeNpy('|u1', [3, 2, 2], x),
    'y_train.npy': encodeNpy('<i8', [3], [5, 0, 4]),
    'x_test.npy': encodeNpy('|u1', [1, 2, 2], x.subarray(0, 4)),
    'y_test.npy': encodeNpy('|u1', [1], [7]),
  };
  for (const level of [0, 6] as const) {
    const npz = parseNpz(zipSync(members, { level }), file);
    assert.deepEqual([...npz.y_train.data], [5, 0, 4]);
    assert.deepEqual(npz.x_test.shape, [1, 2, 2]);
    assert.deepEqual([...npz.y_test.data], [7]);
  }
  const { 'y_test.npy': _, ...three } = members;
  assert.throws(() => parseNpz(zipSync(three), file), (e: unknown) => e instanceof DataError && e.message === message.npzMissingMember(file, 'y_test.npy', ['x_train.npy', 'y_train.npy', 'x_test.npy']));
  assert.throws(() => parseNpz(Uint8Array.of(1, 2, 3), file), (e: unknown) => e instanceof DataError && e.message.startsWith(`${file}: not a readable .npz`));
});
