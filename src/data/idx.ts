/**
 * Parser for the IDX format of the MNIST files (big-endian header: 0x00 0x00 type ndims, then ndims uint32
 * sizes, then the data). Pure bytes in, typed arrays out (no Node imports); every bad input becomes a DataError
 * naming the file.
 */
import { DataError } from './errors.js';
import { MNIST_SIDE } from './types.js';
import { LIMITS, limitText } from '../io/limits.js';

const UBYTE = 0x08;
/** Upper bounds so a corrupt header can never ask for absurd work: 4 dims, 10M items per dim. */
const MAX_DIMS = 4;
const MAX_DIM = 10_000_000;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export interface IdxHeader {
  dims: number[];
  /** Bytes before the data: 4 + 4 * dims.length. */
  headerSize: number;
  /** Bytes of data the dims announce. */
  dataSize: number;
}

/** Largest header: 4 bytes, then MAX_DIMS sizes. Reading this many bytes of a file is enough to parse its header. */
export const IDX_MAX_HEADER = 4 + 4 * MAX_DIMS;

/**
 * Parses and checks the header alone (the first IDX_MAX_HEADER bytes suffice), so a loader can refuse a bad file, or
 * know how much to read, before reading the rest.
 */
export function parseIdxHeader(bytes: Uint8Array, name: string): IdxHeader {
  if (bytes.length < 4) throw new DataError(`${name}: truncated IDX file (${bytes.length} bytes, no header)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${name}: not an IDX file (magic number starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00)`);
  }
  if (bytes[2] !== UBYTE) throw new DataError(`${name}: IDX data type ${hex(bytes[2])} is not unsigned byte (0x08)`);
  const ndims = bytes[3];
  if (ndims < 1 || ndims > MAX_DIMS) throw new DataError(`${name}: IDX header has ${ndims} dimensions (expected 1..${MAX_DIMS})`);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw new DataError(`${name}: truncated IDX file (${bytes.length} bytes, header needs ${headerSize})`);
  }
  const dims: number[] = [];
  let dataSize = 1;
  for (let d = 0; d < ndims; d++) {
    const o = 4 + 4 * d;
    const dim = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
    if (dim > MAX_DIM) throw new DataError(`${name}: IDX dimension ${d} is ${dim}, larger than ${MAX_DIM}`);
    dims.push(dim);
    dataSize *= dim;
  }
  if (dataSize > LIMITS.idxInflatedBytes.max) {
    throw new DataError(`${name}: IDX header [${dims.join(', ')}] announces ${dataSize} bytes of data, ${limitText('idxInflatedBytes')}`);
  }
  return { dims, headerSize, dataSize };
}

/** Parse one unsigned-byte IDX array; `name` is used in errors. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const { dims, headerSize, dataSize } = parseIdxHeader(bytes, name);
  const expected = headerSize + dataSize;
  if (bytes.length < expected) {
    throw new DataError(`${name}: truncated IDX file (${bytes.length} bytes, header [${dims.join(', ')}] needs ${expected})`);
  }
  if (bytes.length > expected) {
    throw new DataError(`${name}: IDX file has ${bytes.length - expected} bytes after the [${dims.join(', ')}] data`);
  }
  return { dims, data: bytes.subarray(headerSize, expected) };
}

/** An images file: [n, 28, 28]. */
export function parseIdxImages(bytes: Uint8Array, name: string): { images: Uint8Array; count: number } {
  const { dims, data } = parseIdx(bytes, name);
  if (dims.length !== 3 || dims[1] !== MNIST_SIDE || dims[2] !== MNIST_SIDE) {
    throw new DataError(`${name}: expected images of shape [n, 28, 28], got [${dims.join(', ')}]`);
  }
  return { images: data, count: dims[0] };
}

/** A labels file: [n] with values 0..9. */
export function parseIdxLabels(bytes: Uint8Array, name: string): { labels: Uint8Array; count: number } {
  const { dims, data } = parseIdx(bytes, name);
  if (dims.length !== 1) throw new DataError(`${name}: expected labels of shape [n], got [${dims.join(', ')}]`);
  for (let i = 0; i < data.length; i++) {
    if (data[i] > 9) throw new DataError(`${name}: label ${i} is ${data[i]}, not a digit 0..9`);
  }
  return { labels: data, count: dims[0] };
}

/** Encode an unsigned-byte IDX array (tests write their own MNIST files with it). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
