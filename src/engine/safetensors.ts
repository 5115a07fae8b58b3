import type { Module } from './module.js';
import { numel, shapeString } from './tensor.js';

/**
 * Weights in the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}} with optional "__metadata__" strings, then
 * the raw little-endian data. Names are PyTorch state_dict names (`branch.0.weight`), so a file loads into the
 * matching PyTorch module with load_state_dict(strict=True).
 *
 * Choices: tensors are written sorted by name (data in the same order), the header padded with spaces to a
 * multiple of 8 bytes; parameters and buffers are F32 except `num_batches_tracked`, written as an I64 scalar
 * (shape []) as PyTorch saves it. Loading accepts F32, F64, I32 and I64 (converted to float32) and treats a
 * scalar [] and a one-element [1] as the same shape.
 */

const ITEM_SIZE: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };
/** Bounds on what a file may ask the reader to parse (reasons in src/io/limits.ts). */
export const SAFETENSORS_LIMITS = { headerBytes: 1024 * 1024, tensors: 10_000 } as const;

/** A name or value quoted in an error, cut short: a hostile header must not make a megabyte-long message. */
function cut(s: string): string {
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}
const q = (v: unknown): string => cut(String(JSON.stringify(v)));

/** "a, b, c and 12 more" */
function list(names: string[]): string {
  return names.length <= 10 ? names.map(cut).join(', ') : `${names.slice(0, 10).map(cut).join(', ')} and ${names.length - 10} more`;
}

/**
 * The header length a file's first 8 bytes announce, checked against the file's size and the header bound, so a
 * reader can refuse a file after reading 8 bytes of it.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileBytes: number, source = 'safetensors data'): number {
  if (first8.length < 8 || fileBytes < 8) throw corrupt(source, `${fileBytes} bytes is shorter than the 8-byte header length`);
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 4294967296;
  if (n > fileBytes - 8) throw corrupt(source, `header length ${n} exceeds the ${fileBytes - 8} bytes after it`);
  if (n > SAFETENSORS_LIMITS.headerBytes) throw corrupt(source, `header length ${n} is over ${SAFETENSORS_LIMITS.headerBytes} bytes (a zoo model's is under 10 KB)`);
  return n;
}

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

interface Named {
  name: string;
  shape: number[];
  data: Float32Array;
}

function isCounter(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

/**
 * The named tensors of one module, or of several (an ensemble's members): member i's tensors are named
 * `members.<i>.<name>`; a list of one is the module itself.
 */
function stateOf(modules: Module | readonly Module[]): Named[] {
  const list = listOf(modules);
  const prefix = (i: number): string => (list.length > 1 ? `members.${i}.` : '');
  const all = list.flatMap((module, i) =>
    [...module.params(), ...module.buffers()].map((t) => ({ name: prefix(i) + t.name, shape: t.value.shape, data: t.value.data })));
  const seen = new Set<string>();
  for (const t of all) {
    if (seen.has(t.name)) throw new Error(`safetensors: ${describe(modules)} has two tensors named '${t.name}'`);
    seen.add(t.name);
  }
  return all;
}

function listOf(modules: Module | readonly Module[]): readonly Module[] {
  const list = ([] as Module[]).concat(modules);
  if (list.length === 0) throw new Error('safetensors: no module to read or write');
  return list;
}

function describe(modules: Module | readonly Module[]): string {
  const list = listOf(modules);
  return list.length > 1 ? `an ensemble of ${list.length} ${list[0].describe()}` : list[0].describe();
}

/**
 * Encodes the parameters and buffers of a module (or of an ensemble's members, see stateOf); `metadata` goes to
 * "__metadata__" (string values only).
 */
export function encodeSafetensors(modules: Module | readonly Module[], metadata: Record<string, string> = {}): Uint8Array {
  const tensors = stateOf(modules).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`safetensors: metadata '${key}' must be a string, got ${typeof value}`);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const counter = isCounter(t.name) && t.data.length === 1;
    const size = t.data.length * (counter ? 8 : 4);
    header[t.name] = { dtype: counter ? 'I64' : 'F32', shape: counter ? [] : t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const t of tensors) {
    if (isCounter(t.name) && t.data.length === 1) {
      view.setBigInt64(pos, BigInt(Math.round(t.data[0])), true);
      pos += 8;
    } else {
      for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i], true);
    }
  }
  return out;
}

function corrupt(source: string, why: string): Error {
  return new Error(`${source}: not a valid safetensors file: ${why}`);
}

function isIndexList(v: unknown, length?: number): v is number[] {
  return (
    Array.isArray(v) &&
    (length === undefined || v.length === length) &&
    v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
  );
}

/** Parses and validates a whole safetensors file (header, dtypes, shapes, offsets) into float32 tensors. */
export function readSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContents {
  const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw corrupt(source, `header is not UTF-8 JSON (${cut((e as Error).message)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt(source, 'header is not a JSON object');
  }
  const entries = Object.keys(header).length;
  if (entries > SAFETENSORS_LIMITS.tensors + 1) throw corrupt(source, `header lists ${entries} tensors, more than ${SAFETENSORS_LIMITS.tensors}`);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) throw corrupt(source, '__metadata__ is not an object');
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') throw corrupt(source, `__metadata__ '${cut(k)}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in ITEM_SIZE)) {
      throw corrupt(source, `tensor '${cut(name)}' has dtype ${q(dtype)}; supported: ${Object.keys(ITEM_SIZE).join(', ')}`);
    }
    if (!isIndexList(shape)) throw corrupt(source, `tensor '${cut(name)}' has an invalid shape ${q(shape)}`);
    if (!isIndexList(offsets, 2) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
      throw corrupt(source, `tensor '${cut(name)}' has data_offsets ${q(offsets)} outside the ${dataLength} data bytes`);
    }
    const count = numel(shape);
    if (offsets[1] - offsets[0] !== count * ITEM_SIZE[dtype]) {
      throw corrupt(source, `tensor '${cut(name)}' ${dtype} ${cut(shapeString(shape))} needs ${count * ITEM_SIZE[dtype]} bytes, data_offsets give ${offsets[1] - offsets[0]}`);
    }
    spans.push([offsets[0], offsets[1], name]);
    tensors.set(name, { dtype, shape, data: decodeValues(view, dataStart + offsets[0], dtype, count) });
  }
  // As the reference implementation: the tensors must tile the data section exactly (no gaps, no overlaps).
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let end = 0;
  for (const [start, stop, name] of spans) {
    if (start !== end) throw corrupt(source, `tensor '${cut(name)}' starts at data byte ${start}, expected ${end} (gap or overlap)`);
    end = stop;
  }
  if (end !== dataLength) throw corrupt(source, `the tensors cover ${end} of ${dataLength} data bytes`);
  return { tensors, metadata };
}

function decodeValues(view: DataView, pos: number, dtype: string, count: number): Float32Array {
  const out = new Float32Array(count);
  const size = ITEM_SIZE[dtype];
  for (let i = 0; i < count; i++, pos += size) {
    out[i] =
      dtype === 'F32'
        ? view.getFloat32(pos, true)
        : dtype === 'F64'
          ? view.getFloat64(pos, true)
          : dtype === 'I32'
            ? view.getInt32(pos, true)
            : Number(view.getBigInt64(pos, true));
  }
  return out;
}

function sameStoredShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return true;
  return numel(a) === 1 && numel(b) === 1 && Math.min(a.length, b.length) === 0;
}

/**
 * Loads every parameter and buffer of `modules` (one module, or an ensemble's members as stateOf names them) from a
 * safetensors file. Everything is validated first
 * (format, then missing / unexpected / mis-shaped tensors, all listed in one error), so a failed load
 * leaves the module untouched. Returns the file's metadata.
 */
export function loadSafetensors(modules: Module | readonly Module[], bytes: Uint8Array, source = 'safetensors data'): Record<string, string> {
  const { tensors, metadata } = readSafetensors(bytes, source);
  const state = stateOf(modules);
  const problems: string[] = [];
  const expected = new Set(state.map((t) => t.name));
  const missing = state.filter((t) => !tensors.has(t.name)).map((t) => t.name);
  const unexpected = [...tensors.keys()].filter((name) => !expected.has(name));
  if (missing.length > 0) problems.push(`missing: ${list(missing)}`);
  if (unexpected.length > 0) problems.push(`unexpected: ${list(unexpected)}`);
  for (const t of state) {
    const entry = tensors.get(t.name);
    if (entry && !sameStoredShape(entry.shape, t.shape)) {
      problems.push(`'${t.name}' has shape ${cut(shapeString(entry.shape))} in the file, the model expects ${shapeString(t.shape)}`);
    } else if (entry) {
      const bad = entry.data.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
      if (bad > 0) problems.push(`'${t.name}' has ${bad} of ${entry.data.length} values NaN or infinite`);
    }
  }
  if (problems.length > 10) problems.splice(10, problems.length, `and ${problems.length - 10} more problems`);
  if (problems.length > 0) {
    throw new Error(`${source}: does not match ${describe(modules)}: ${problems.join('; ')}`);
  }
  for (const t of state) t.data.set((tensors.get(t.name) as SafetensorsEntry).data);
  return metadata;
}
