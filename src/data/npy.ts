/**
 * The `.npy` array format (NumPy NEP 1, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 *
 *   bytes 0-5  magic "\x93NUMPY"
 *   bytes 6-7  format version major, minor (1.0, 2.0 or 3.0)
 *   then       header length: uint16 little-endian (v1) or uint32 little-endian (v2, v3)
 *   then       the header, a Python dict literal: {'descr': '<u1', 'fortran_order': False, 'shape': (60000, 28, 28), }
 *   then       the data
 *
 * tfexp reads integer arrays in C order only and returns them as uint8, which is all a
 * Keras-style image dataset needs (uint8 images; uint8 or int64 labels).
 */
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import type { ByteArray } from './idx.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A parsed `.npy` header. */
export interface NpyHeader {
  /** Byte order: '<' little, '>' big, '|' not applicable (1-byte types). '=' is read as little-endian. */
  readonly order: '<' | '>' | '|';
  /** 'u' unsigned or 'i' signed integer. */
  readonly kind: 'u' | 'i';
  /** Bytes per value: 1, 2, 4 or 8. */
  readonly itemBytes: 1 | 2 | 4 | 8;
  readonly shape: readonly number[];
  /** Offset of the data from the start of the file, in bytes. */
  readonly dataOffset: number;
}

/**
 * Reads and checks the header of a `.npy` array.
 * @param bytes the whole `.npy` content.
 * @param file the archive or file path, and `member` the array's name, for messages.
 * @throws DataError for a wrong magic, an unreadable header, Fortran order, or a dtype other than an integer of 1-8 bytes.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string, member: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(message.npyBadMagic(file, member), file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(message.npyBadHeader(file, member, `unknown format version ${major}.${bytes[7]}`), file);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : Infinity;
  const start = 8 + lengthBytes;
  if (start + headerLength > bytes.length) throw new DataError(message.npyBadHeader(file, member, 'the header is cut off'), file);
  // Versions 1 and 2 are ISO 8859-1 (NEP 1). Not TextDecoder('latin1'): the WHATWG Encoding standard maps
  // that label to windows-1252 (0x80-0x9f differ), and Node 22+ follows it; Buffer's 'latin1' is the real one.
  const raw = bytes.subarray(start, start + headerLength);
  const header = major === 3 ? new TextDecoder('utf-8').decode(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeText) throw new DataError(message.npyBadHeader(file, member, `expected 'descr', 'fortran_order' and 'shape' in ${header.trim()}`), file);
  if (fortran[1] === 'True') throw new DataError(message.npyUnsupported(file, member, 'the array is in Fortran order'), file);
  const kind = descr[2]!;
  const itemBytes = Number(descr[3]);
  if ((kind !== 'u' && kind !== 'i') || ![1, 2, 4, 8].includes(itemBytes)) {
    throw new DataError(message.npyUnsupported(file, member, `dtype '${descr[1]}${kind}${itemBytes}' is not an integer type`), file);
  }
  const shape = shapeText[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(message.npyBadHeader(file, member, `bad shape (${shapeText[1]})`), file);
  const order = descr[1] === '=' ? '<' : (descr[1] as '<' | '>' | '|');
  return { order, kind, itemBytes: itemBytes as 1 | 2 | 4 | 8, shape, dataOffset: start + headerLength };
}

/**
 * Parses a `.npy` integer array into uint8 values.
 * @param bytes the whole `.npy` content.
 * @param file the archive or file path, and `member` the array's name inside it, for messages.
 * @returns shape and uint8 data (a view of `bytes` for 1-byte dtypes, a new array otherwise).
 * @throws DataError for a bad header (see `parseNpyHeader`), truncated data, or values outside 0-255
 *   (images must be uint8; labels must be class indices below 256).
 */
export function parseNpy(bytes: Uint8Array, file: string, member: string): ByteArray {
  const h = parseNpyHeader(bytes, file, member);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const needed = count * h.itemBytes;
  const available = bytes.length - h.dataOffset;
  if (available < needed) throw new DataError(message.npyTruncated(file, member, needed, available), file);
  const body = bytes.subarray(h.dataOffset, h.dataOffset + needed);
  if (h.itemBytes === 1 && h.kind === 'u') return { shape: h.shape, data: body };
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const little = h.order !== '>';
  const data = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * h.itemBytes;
    let value: number | bigint;
    if (h.itemBytes === 1) value = view.getInt8(at);
    else if (h.itemBytes === 2) value = h.kind === 'u' ? view.getUint16(at, little) : view.getInt16(at, little);
    else if (h.itemBytes === 4) value = h.kind === 'u' ? view.getUint32(at, little) : view.getInt32(at, little);
    else value = h.kind === 'u' ? view.getBigUint64(at, little) : view.getBigInt64(at, little);
    if (value < 0 || value > 255) {
      throw new DataError(message.npyUnsupported(file, member, `value ${value} at position ${i} does not fit in uint8 (0-255)`), file);
    }
    data[i] = Number(value);
  }
  return { shape: h.shape, data };
}

/**
 * Encodes an array as `.npy` version 1.0 bytes: the inverse of `parseNpy`, for tests and tools.
 * @param descr NumPy dtype string: '|u1' (uint8) or '<i8' (int64, values must be integers).
 * @param shape sizes of each axis; their product must equal `values.length`.
 */
export function encodeNpy(descr: '|u1' | '<i8', shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const itemBytes = descr === '|u1' ? 1 : 8;
  const out = new Uint8Array(10 + header.length + values.length * itemBytes);
  out.set(MAGIC, 0);
  out[6] = 1;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i++) {
    if (itemBytes === 1) view.setUint8(i, values[i]!);
    else view.setBigInt64(i * 8, BigInt(values[i]!), true);
  }
  return out;
}
