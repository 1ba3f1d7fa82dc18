import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { DataError } from '../../src/errors.js';
import { encodeIdx, parseIdx } from '../../src/data/idx.js';
import * as message from '../../src/log/message.js';

const images = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
const file = 'x/train-images-idx3-ubyte';

function throwsData(fn: () => unknown, expected: string) {
  assert.throws(fn, (e: unknown) => e instanceof DataError && e.exitCode === 2 && e.file === file && e.message === expected);
}

test('IDX: raw images parse to [n, rows, cols] with big-endian sizes', () => {
  const bytes = encodeIdx([2, 3, 4], images);
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 2]);
  const parsed = parseIdx(bytes, file);
  assert.deepEqual(parsed.shape, [2, 3, 4]);
  assert.deepEqual([...parsed.data], [...images]);
});

test('IDX: gzip is detected by content and 4-D images and 1-D labels parse', () => {
  const parsed = parseIdx(gzipSync(encodeIdx([2, 3, 2, 2], images)), file);
  assert.deepEqual(parsed.shape, [2, 3, 2, 2]);
  assert.equal(parsed.data[23], 230);
  assert.deepEqual(parseIdx(encodeIdx([3], Uint8Array.of(7, 0, 9)), file).shape, [3]);
});

test('IDX: truncated data, trailing bytes, wrong magic, other dtype, cut gzip are DataErrors naming the file', () => {
  const bytes = encodeIdx([2, 3, 4], images);
  throwsData(() => parseIdx(bytes.subarray(0, bytes.length - 5), file), message.idxTruncated(file, 24, 19, [2, 3, 4]));
  throwsData(() => parseIdx(Uint8Array.from([...bytes, 1, 2]), file), message.idxTrailing(file, 2, [2, 3, 4]));
  throwsData(() => parseIdx(bytes.subarray(0, 10), file), message.idxHeaderShort(file, 10, 16));
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
  throwsData(() => parseIdx(png, file), message.idxBadMagic(file, 0x89504e47));
  const int32 = Uint8Array.from(bytes);
  int32[2] = 0x0c;
  throwsData(() => parseIdx(int32, file), message.idxUnsupportedDtype(file, 0x0c));
  const gz = gzipSync(bytes);
  assert.throws(() => parseIdx(gz.subarray(0, gz.length - 12), file), (e: unknown) => e instanceof DataError && e.message.includes('cannot be decompressed'));
});
