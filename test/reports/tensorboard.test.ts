/**
 * TensorBoard event files: CRC32C against RFC 3720's vectors, pairnet's reader and writer against a file written by
 * TensorBoard's own RecordWriter and protobufs (test/fixtures/tensorboard, tools/golden/make_tensorboard_fixture.py),
 * damaged files rejected, and the files `pairnet train`, `pairnet study` and `pairnet export` write read back equal
 * to the run records.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportTensorBoard } from '../../src/cli/commands/export.js';
import { runFolder } from '../../src/reports/tensorboard-runs.js';
import { readStudyDir } from '../../src/studies/study-dir.js';
import { crc32c, encodeEvent, encodeRecord, readEventFile, type TbEvent } from '../../src/reports/tensorboard.js';
import { parseEvents } from '../../src/studies/events.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import type { RunRecord } from '../../src/training/record.js';
import { tempDir } from '../studies/tiny-study.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const fixtures = join('test', 'fixtures', 'tensorboard');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `d`, recursively. */
const filesUnder = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
const read = (file: string): TbEvent[] => readEventFile(new Uint8Array(readFileSync(file)), file);

/** The scalars a run's epochs should have in its event file (float32, as stored). */
function expectRecordIn(events: TbEvent[], record: RunRecord): void {
  expect(events[0].fileVersion).toBe('brain.Event:2');
  const epochs = events.slice(1, -1);
  expect(epochs.map((e) => e.step)).toEqual(record.epochs.map((m) => m.epoch));
  epochs.forEach((e, i) => {
    const m = record.epochs[i];
    expect(e.scalars!['train/loss']).toBe(Math.fround(m.trainLoss));
    expect(e.scalars!['lr']).toBe(Math.fround(m.lr));
    if (m.testAccuracy !== null) expect(e.scalars!['test/accuracy']).toBe(Math.fround(m.testAccuracy));
  });
  expect(events.at(-1)!.scalars!['final/test_accuracy']).toBe(Math.fround(record.final.testAccuracy));
}

describe('TensorBoard event files', () => {
  it('computes CRC32C as RFC 3720 gives it', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it("reads TensorBoard's own file and writes the same bytes for the same events", () => {
    const { events } = JSON.parse(readFileSync(join(fixtures, 'reference.json'), 'utf8')) as { events: TbEvent[] };
    const reference = new Uint8Array(readFileSync(join(fixtures, 'reference.tfevents')));
    const back = readEventFile(reference, 'reference.tfevents');
    expect(back.map((e) => ({ ...e, scalars: e.scalars && Object.fromEntries(Object.entries(e.scalars).map(([k, v]) => [k, v])) }))).toEqual(
      events.map((e) => ({ ...e, scalars: e.scalars && Object.fromEntries(Object.entries(e.scalars).map(([k, v]) => [k, Math.fround(v)])) })),
    );
    const ours = Buffer.concat(events.map((e) => encodeRecord(encodeEvent(e))));
    expect(ours.equals(Buffer.from(reference))).toBe(true);
  });

  it('rejects a flipped byte and a truncated record, naming the file and the offset', () => {
    const bytes = Buffer.concat([encodeRecord(encodeEvent({ wallTime: 1, step: 1, scalars: { a: 1 } })), encodeRecord(encodeEvent({ wallTime: 2, step: 2, scalars: { a: 2 } }))]);
    const flipped = new Uint8Array(bytes);
    flipped[bytes.length - 6] ^= 1;
    expect(() => readEventFile(flipped, 'f')).toThrow(/^f: record at byte \d+: data CRC mismatch$/);
    const header = new Uint8Array(bytes);
    header[0] ^= 1;
    expect(() => readEventFile(header, 'f')).toThrow('f: record at byte 0: length CRC mismatch');
    expect(() => readEventFile(new Uint8Array(bytes.subarray(0, bytes.length - 3)), 'f')).toThrow(/truncated data/);
  });

  it('pairnet train --tensorboard and --events follow the run live; the files hold its record', () => {
    const tb = join(dir, 'tb-train');
    const events = join(dir, 'train-events.jsonl');
    const record = JSON.parse(
      execFileSync('node', [cli, 'train', '--model', 'fcnet', '--epochs', '2', '--seed', '4', '--json', '--tensorboard', tb, '--events', events], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as RunRecord;
    const files = filesUnder(tb);
    expect(files.length).toBe(1);
    expect(files[0].startsWith(runFolder(tb, 'train/fcnet/seed 4'))).toBe(true);
    expectRecordIn(read(files[0]), record);
    expect(parseEvents(readFileSync(events, 'utf8')).map((e) => e.type)).toEqual(['start', 'epoch', 'epoch', 'done', 'end']);
  });

  it('pairnet study --tensorboard writes one run folder per run; pairnet export --tensorboard the same from the store', () => {
    const config = join(dir, 'tb-study.json');
    const out = join(dir, 'tb-study');
    writeFileSync(config, JSON.stringify({ name: 'tb-study', description: 'd', seed: 2, rounds: 2, epochs: 2, base: { data: { trainPairs: 60, testPairs: 60 } }, variants: [{ name: 'FC', model: 'fcnet' }], protocol: { kind: 'multi-round' } }));
    execFileSync('node', [cli, 'study', config, '--workers', '1', '--out', out, '--tensorboard', join(dir, 'tb-live')], { stdio: 'ignore' });
    execFileSync('node', [cli, 'export', out, '--out', join(dir, 'x.csv'), '--tensorboard', join(dir, 'tb-export')], { stdio: 'ignore' });
    for (const run of ResultsStore.open(out, { readOnly: true }).all()) {
      for (const root of ['tb-live', 'tb-export']) {
        const files = filesUnder(runFolder(join(dir, root, 'tb-study'), run.key));
        expect(files.length).toBe(1);
        expectRecordIn(read(files[0]), run.record);
      }
    }
    expect(() => exportTensorBoard(readStudyDir(out), join(dir, 'tb-export'))).toThrow(/tb-study exists: remove it or choose another --tensorboard folder/);
  });
});
