/**
 * Server-sent events from a study's events.jsonl: on connect, the last session's begin and its runs in flight
 * (start and epochs so far), then every event appended, by polling the file's size (fs.watch misses appends on
 * some file systems). Only whole lines are sent; a file that shrinks (replaced) is followed from its start.
 */
import { promises as fsp } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inFlight, parseEvents, type RunEvent } from '../studies/events.js';

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

async function size(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The events a client needs to draw the current session: its begin, and the runs still in flight. */
export function snapshot(events: readonly RunEvent[]): RunEvent[] {
  const begin = [...events].reverse().find((e) => e.type === 'begin');
  const out: RunEvent[] = begin === undefined ? [] : [begin];
  for (const run of inFlight(events)) {
    out.push({ type: 'start', t: begin?.t ?? '', key: run.key, fields: run.fields, epochs: run.epochs });
    for (const metrics of run.metrics) out.push({ type: 'epoch', t: begin?.t ?? '', key: run.key, metrics });
  }
  return out;
}

export async function streamEvents(file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
  const send = (events: readonly RunEvent[]): void => {
    for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  };
  // Everything up to the last newline goes into the snapshot; a partial last line waits for its end.
  const initial = await readRange(file, 0, await size(file)).catch(() => Buffer.alloc(0));
  let offset = initial.lastIndexOf(10) + 1;
  send(snapshot(parseEvents(initial.subarray(0, offset).toString('utf8'))));
  res.write(': ready\n\n');

  let busy = false;
  let lastWrite = Date.now();
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const now = await size(file);
      if (now < offset) offset = 0;
      if (now > offset) {
        const chunk = await readRange(file, offset, now);
        const end = chunk.lastIndexOf(10) + 1;
        if (end > 0) {
          send(parseEvents(chunk.subarray(0, end).toString('utf8')));
          offset += end;
          lastWrite = Date.now();
        }
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, POLL_MS);
  req.on('close', () => clearInterval(timer));
}
