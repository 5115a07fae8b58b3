/**
 * Reading input files with a bound: the size is checked before anything is read, and a weights file's 8-byte
 * header length before the rest, so a huge or hostile file costs an error, not memory. Node only.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { safetensorsHeaderLength } from '../engine/safetensors.js';
import { LIMITS, limitText, type LimitName } from './limits.js';
import { describeFsError } from './atomic-write.js';

export class InputFileError extends Error {
  override name = 'InputFileError';
}

function readAll(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let off = 0;
  for (let n = 1; off < size && n > 0; off += n) n = readSync(fd, bytes, off, size - off, off);
  return bytes.subarray(0, off);
}

/** The file's bytes; `check` sees the open file's size first and may refuse it. */
function readChecked(file: string, what: string, check: (fd: number, size: number) => void): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new InputFileError(`${what} ${file}: cannot read: ${describeFsError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputFileError(`${what} ${file}: is a directory`);
    check(fd, st.size);
    return readAll(fd, st.size);
  } catch (e) {
    // File-system errors get the file's name; format errors (safetensorsHeaderLength) already have it.
    if ((e as NodeJS.ErrnoException).code !== undefined) throw new InputFileError(`${what} ${file}: cannot read: ${describeFsError(e)}`);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** A whole file of at most LIMITS[limit] bytes. */
export function readFileBounded(file: string, limit: LimitName, what: string): Uint8Array {
  return readChecked(file, what, (_fd, size) => {
    if (size > LIMITS[limit].max) throw new InputFileError(`${what} ${file}: ${size} bytes, ${limitText(limit)}`);
  });
}

/** A safetensors weights file: its size and header length are checked before the rest is read. */
export function readWeightsFile(file: string): Uint8Array {
  return readChecked(file, 'weights', (fd, size) => {
    if (size > LIMITS.weightsBytes.max) throw new InputFileError(`weights ${file}: ${size} bytes, ${limitText('weightsBytes')}`);
    const first8 = new Uint8Array(8);
    readSync(fd, first8, 0, 8, 0);
    safetensorsHeaderLength(first8, size, file);
  });
}
