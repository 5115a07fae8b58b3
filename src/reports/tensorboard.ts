/**
 * TensorBoard event files without TensorFlow: scalar summaries written as TFRecord-framed `Event` protocol buffers,
 * so `tensorboard --logdir DIR` plots a run's curves, live while it trains. A record is
 *   uint64 length (LE) | uint32 masked CRC32C of the length bytes | data | uint32 masked CRC32C of the data
 * and an Event is {1: wall_time double, 2: step int64, 3: file_version string | 5: Summary {1: Value {1: tag, 2: simple_value float}}}.
 * readEventFile parses the same subset back, checking every CRC (tests, and `pairnet` checking its own files).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // Castagnoli polynomial 0x1EDC6F41, bit-reflected.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask, so a CRC stored inside CRC'd data does not confuse the check. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** A protobuf message under construction: just the wire types an Event needs. */
class ProtoWriter {
  private readonly parts: number[] = [];
  private varint(v: number): void {
    let x = BigInt(v);
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (x > 0n);
  }
  uint(field: number, v: number): this {
    this.varint(field << 3);
    this.varint(v);
    return this;
  }
  /** A fixed-width field: wire type 1 (8 bytes) or 5 (4 bytes), little-endian. */
  private fixed(field: number, wire: 1 | 5, set: (view: DataView) => void): this {
    this.varint((field << 3) | wire);
    const b = new Uint8Array(wire === 1 ? 8 : 4);
    set(new DataView(b.buffer));
    this.parts.push(...b);
    return this;
  }
  double(field: number, v: number): this {
    return this.fixed(field, 1, (d) => d.setFloat64(0, v, true));
  }
  float(field: number, v: number): this {
    return this.fixed(field, 5, (d) => d.setFloat32(0, v, true));
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.parts.push(...b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface TbEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  /** tag -> value (float32 precision in the file). */
  scalars?: Record<string, number>;
}

/** Proto3's encoding: fields at their default (0, empty) are left out, as TensorBoard's own writer does. */
export function encodeEvent(e: TbEvent): Uint8Array {
  const w = new ProtoWriter();
  if (e.wallTime !== 0) w.double(1, e.wallTime);
  if (e.step !== 0) w.uint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.scalars !== undefined) {
    const summary = new ProtoWriter();
    for (const [tag, v] of Object.entries(e.scalars)) summary.bytes(1, new ProtoWriter().string(1, tag).float(2, v).finish());
    w.bytes(5, summary.finish());
  }
  return w.finish();
}

/** The first event of every file: names the format version TensorBoard expects. */
export const FILE_VERSION = 'brain.Event:2';

/** Reads a protobuf message's fields (varint, 64-bit, length-delimited and 32-bit wire types). */
function readFields(b: Uint8Array, what: string): { field: number; wire: number; value: bigint | Uint8Array }[] {
  const out: { field: number; wire: number; value: bigint | Uint8Array }[] = [];
  let i = 0;
  const varint = (): bigint => {
    let x = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (i >= b.length) throw new Error(`${what}: truncated varint`);
      const byte = b[i++];
      x |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return x;
    }
  };
  const take = (n: number): Uint8Array => {
    if (i + n > b.length) throw new Error(`${what}: field runs past the end`);
    return b.subarray(i, (i += n));
  };
  while (i < b.length) {
    const key = Number(varint());
    const wire = key & 7;
    const field = key >>> 3;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) out.push({ field, wire, value: take(8) });
    else if (wire === 2) out.push({ field, wire, value: take(Number(varint())) });
    else if (wire === 5) out.push({ field, wire, value: take(4) });
    else throw new Error(`${what}: unsupported wire type ${wire}`);
  }
  return out;
}

const asBytes = (v: bigint | Uint8Array): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array());
const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

export function decodeEvent(b: Uint8Array): TbEvent {
  const e: TbEvent = { wallTime: 0, step: 0 };
  for (const f of readFields(b, 'Event')) {
    if (f.field === 1 && f.wire === 1) e.wallTime = dv(asBytes(f.value)).getFloat64(0, true);
    else if (f.field === 2 && f.wire === 0) e.step = Number(f.value);
    else if (f.field === 3 && f.wire === 2) e.fileVersion = new TextDecoder().decode(asBytes(f.value));
    else if (f.field === 5 && f.wire === 2) {
      e.scalars = {};
      for (const v of readFields(asBytes(f.value), 'Summary')) {
        let tag = '';
        let value = NaN;
        for (const x of readFields(asBytes(v.value), 'Summary.Value')) {
          if (x.field === 1 && x.wire === 2) tag = new TextDecoder().decode(asBytes(x.value));
          if (x.field === 2 && x.wire === 5) value = dv(asBytes(x.value)).getFloat32(0, true);
        }
        e.scalars[tag] = value;
      }
    }
  }
  return e;
}

/** Every event of a file, checking each record's framing and both CRCs; `name` labels errors. */
export function readEventFile(bytes: Uint8Array, name: string): TbEvent[] {
  const events: TbEvent[] = [];
  const view = dv(bytes);
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`${name}: record at byte ${at}: truncated header`);
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new Error(`${name}: record at byte ${at}: length CRC mismatch`);
    const length = Number(view.getBigUint64(at, true));
    if (at + 16 + length > bytes.length) throw new Error(`${name}: record at byte ${at}: truncated data`);
    const data = bytes.subarray(at + 12, at + 12 + length);
    if (view.getUint32(at + 12 + length, true) !== maskedCrc32c(data)) throw new Error(`${name}: record at byte ${at}: data CRC mismatch`);
    events.push(decodeEvent(data));
    at += 16 + length;
  }
  return events;
}
