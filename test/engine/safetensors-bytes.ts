/** A safetensors file with the header replaced by `header` (padded to 8 bytes) and the given data bytes (tests). */
export function withHeader(header: unknown, data: Uint8Array): Uint8Array {
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
