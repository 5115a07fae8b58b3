#!/usr/bin/env python3
"""TensorBoard fixtures for test/reports/tensorboard.test.ts, made with TensorBoard's own Python package.

    python3 tools/golden/make_tensorboard_fixture.py [PAIRNET_EVENT_FILE...]

Writes test/fixtures/tensorboard/reference.json (events: wall time, step, file version or scalars) and
reference.tfevents, those events serialized by TensorBoard's protobufs and framed by its RecordWriter (masked CRC32C):
the test decodes the file with pairnet's reader and checks pairnet's writer gives the same bytes. Each
PAIRNET_EVENT_FILE given (e.g. from `pairnet train --tensorboard DIR`) is read with TensorBoard's own loader, which
checks its framing and CRCs, and its scalars printed. Needs the `tensorboard` Python package (not in Debian; pip).
"""
import json
import os
import sys

from tensorboard.backend.event_processing import event_file_loader
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer import record_writer

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'tensorboard')

EVENTS = [
    {'wallTime': 1796306561.405, 'step': 0, 'fileVersion': 'brain.Event:2'},
    {'wallTime': 1796306562.118, 'step': 1, 'scalars': {'train/loss': 0.5994825, 'train/accuracy': 0.665, 'lr': 0.001}},
    {'wallTime': 1796306562.5, 'step': 2, 'scalars': {'test/accuracy': 0.771, 'test/loss': 1.25e-7}},
    {'wallTime': 1796306563.0, 'step': 300, 'scalars': {'final/test_accuracy': 1.0, 'aux_weight': 0.0}},
    {'wallTime': 0, 'step': 2**40 + 3, 'scalars': {}},
]


def proto(e):
    ev = event_pb2.Event(wall_time=e['wallTime'], step=e['step'])
    if 'fileVersion' in e:
        ev.file_version = e['fileVersion']
    if 'scalars' in e:
        ev.summary.CopyFrom(summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=k, simple_value=v) for k, v in e['scalars'].items()]))
    return ev


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'reference.tfevents'), 'wb') as f:
        w = record_writer.RecordWriter(f)
        for e in EVENTS:
            w.write(proto(e).SerializeToString())
        w.flush()
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump({'events': EVENTS, 'madeBy': 'tools/golden/make_tensorboard_fixture.py (TensorBoard RecordWriter + protobufs)'}, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}/reference.tfevents and reference.json ({len(EVENTS)} events)')
    for path in sys.argv[1:]:
        events = list(event_file_loader.LegacyEventFileLoader(path).Load())
        scalars = sum(len(e.summary.value) for e in events)
        print(f'{path}: TensorBoard read {len(events)} events, {scalars} scalars; first {events[0].file_version!r}, last step {events[-1].step}')


if __name__ == '__main__':
    main()
