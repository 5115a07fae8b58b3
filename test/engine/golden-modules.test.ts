// Every module against PyTorch 1.13: output, input gradient, parameter gradients and buffers after one
// forward/backward (fixture: tools/golden/make_fixtures.py -> modules.json).
import { describe, expect, it } from 'vitest';
import { type FixtureTensor, GOLDEN_TOLERANCE, ROUND_OFF_ZERO, type Tolerance, expectClose, readFixture, toTensor } from './golden-fixture.js';
import { type ModuleSpec, buildModule } from './golden-spec.js';

interface ModuleCase {
  name: string;
  spec: ModuleSpec;
  training: boolean;
  input: FixtureTensor;
  params: Record<string, FixtureTensor>;
  buffers: Record<string, FixtureTensor>;
  gradOut: FixtureTensor;
  output: FixtureTensor;
  gradIn: FixtureTensor;
  paramGrads: Record<string, FixtureTensor>;
  buffersAfter: Record<string, FixtureTensor>;
}

const { cases } = readFixture<{ cases: ModuleCase[] }>('modules.json');
const sorted = (names: string[]): string[] => [...names].sort();

/** The child of `spec` at a parameter path like `body.3.bias` -> the spec of `body`'s children[3]. */
function specAt(spec: ModuleSpec, path: string[]): ModuleSpec | undefined {
  if (path.length === 0) return spec;
  const [head, ...rest] = path;
  const children = (spec as { children?: ModuleSpec[] }).children;
  const child = children ? children[Number(head)] : (spec as unknown as Record<string, ModuleSpec | undefined>)[head];
  return child && specAt(child, rest);
}

/** A bias directly followed by training-mode BatchNorm has a zero gradient in exact arithmetic: PyTorch's is round-off. */
function gradTolerance(c: ModuleCase, param: string): Tolerance {
  const path = param.split('.');
  if (!c.training || path.at(-1) !== 'bias' || path.length < 3) return GOLDEN_TOLERANCE;
  const next = specAt(c.spec, [...path.slice(0, -2), String(Number(path.at(-2)) + 1)]);
  return next?.type.startsWith('BatchNorm') ? ROUND_OFF_ZERO : GOLDEN_TOLERANCE;
}

describe('modules match PyTorch 1.13', () => {
  it('covers every module type of the engine API', () => {
    const types = new Set<string>();
    const visit = (s: ModuleSpec): void => {
      types.add(s.type);
      for (const v of Object.values(s)) {
        if (Array.isArray(v)) v.forEach((c) => visit(c as ModuleSpec));
        else if (v && typeof v === 'object') visit(v as ModuleSpec);
      }
    };
    cases.forEach((c) => visit(c.spec));
    // The round-off tolerance is used where it is meant to be, and only there.
    const roundOff = cases.flatMap((c) => Object.keys(c.paramGrads).filter((p) => gradTolerance(c, p) === ROUND_OFF_ZERO).map((p) => `${c.name} ${p}`));
    expect(roundOff).toEqual(['residual_identity body.0.bias', 'residual_identity body.3.bias', 'pair_shared branch.0.bias']);
    expect(sorted([...types])).toEqual(
      sorted([
        'Linear', 'Conv2d', 'MaxPool2d', 'AvgPool2d', 'BatchNorm1d', 'BatchNorm2d', 'Dropout', 'ReLU', 'LeakyReLU',
        'Tanh', 'Sigmoid', 'Flatten', 'Softmax', 'LogSoftmax', 'Sequential', 'Residual', 'PairShared',
      ]),
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const model = buildModule(c.spec);
    // Same PyTorch-style names for parameters and buffers, then PyTorch's values copied in.
    expect(sorted(model.params().map((p) => p.name))).toEqual(sorted(Object.keys(c.params)));
    expect(sorted(model.buffers().map((b) => b.name))).toEqual(sorted(Object.keys(c.buffers)));
    for (const p of model.params()) p.value.data.set(c.params[p.name].data);
    for (const b of model.buffers()) b.value.data.set(c.buffers[b.name].data);
    model.train(c.training);
    model.zeroGrad();

    expectClose(`${c.name} output`, model.forward(toTensor(c.input)), c.output);
    expectClose(`${c.name} input gradient`, model.backward(toTensor(c.gradOut)), c.gradIn);
    for (const p of model.params()) expectClose(`${c.name} grad of ${p.name}`, p.grad, c.paramGrads[p.name], gradTolerance(c, p.name));
    for (const b of model.buffers()) expectClose(`${c.name} buffer ${b.name}`, b.value.data, c.buffersAfter[b.name]);

    // A second pass through the reused buffers gives the same results, and backward accumulates (+=) into
    // the parameter gradients as PyTorch's .grad does.
    expectClose(`${c.name} output, second pass`, model.forward(toTensor(c.input)), c.output);
    expectClose(`${c.name} input gradient, second pass`, model.backward(toTensor(c.gradOut)), c.gradIn);
    for (const p of model.params()) {
      const twice = { shape: c.paramGrads[p.name].shape, data: c.paramGrads[p.name].data.map((g) => 2 * g) };
      expectClose(`${c.name} accumulated grad of ${p.name}`, p.grad, twice, gradTolerance(c, p.name));
    }
  });
});
