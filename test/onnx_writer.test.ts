// The minimal ONNX writer (src/runtime/onnx_writer.ts) against the real ONNX Runtime: the bytes it
// writes load, and the graph computes what its operators say; bad weights are refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { writeOnnxModel } from '../src/runtime/onnx_writer.js';
import type { OnnxRuntime } from '../src/runtime/runtime_types.js';

const ort = createRequire(import.meta.url)('onnxruntime-node') as OnnxRuntime;

test('a written graph loads in ONNX Runtime and computes relu(x W + b) with a symbolic batch', async () => {
  // Weights long enough that field lengths take several varint bytes (300 floats = 1,200 bytes).
  const w = Float32Array.from({ length: 3 * 100 }, (_, i) => ((i % 7) - 3) / 10);
  const b = Float32Array.from({ length: 100 }, (_, i) => (i % 5) / 4 - 0.5);
  const bytes = writeOnnxModel({
    name: 'dense',
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['y'] },
      { op: 'Relu', inputs: ['y'], outputs: ['z'] },
    ],
    initializers: [
      { name: 'w', dims: [3, 100], data: w },
      { name: 'b', dims: [100], data: b },
    ],
    inputs: [{ name: 'x', dims: ['n', 3] }],
    outputs: [{ name: 'z', dims: ['n', 100] }],
  });
  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.inputNames, ['x']);
  assert.deepEqual(session.outputNames, ['z']);
  const x = Float32Array.from([1, -2, 0.5, 0, 3, -1]);
  const { z } = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
  assert.deepEqual(z!.dims, [2, 100]);
  const out = z!.data as Float32Array;
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 100; c++) {
      let s = b[c]!;
      for (let k = 0; k < 3; k++) s += x[r * 3 + k]! * w[k * 100 + c]!;
      assert.ok(Math.abs(out[r * 100 + c]! - Math.max(0, s)) < 1e-5, `row ${r} column ${c}`);
    }
  }
});

test('integer attributes reach the operator: a strided, padded convolution', async () => {
  // 1 channel, 4x5 input, a 2x2 kernel of ones, stride 2, one column of zeros padded on the right: 2x3 block sums.
  const bytes = writeOnnxModel({
    name: 'conv',
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'k'],
        outputs: ['y'],
        attributes: [
          { name: 'kernel_shape', ints: [2, 2] },
          { name: 'strides', ints: [2, 2] },
          { name: 'pads', ints: [0, 0, 0, 1] },
          { name: 'group', int: 1 },
        ],
      },
    ],
    initializers: [{ name: 'k', dims: [1, 1, 2, 2], data: new Float32Array([1, 1, 1, 1]) }],
    inputs: [{ name: 'x', dims: [1, 1, 4, 5] }],
    outputs: [{ name: 'y', dims: [1, 1, 2, 3] }],
  });
  const session = await ort.InferenceSession.create(bytes);
  const x = Float32Array.from({ length: 20 }, (_, i) => i);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 4, 5]) });
  assert.deepEqual(y!.dims, [1, 1, 2, 3]);
  // Rows 0-1 and 2-3; columns 0-1, 2-3 and 4 with the padded column.
  assert.deepEqual(Array.from(y!.data as Float32Array), [0 + 1 + 5 + 6, 2 + 3 + 7 + 8, 4 + 9, 10 + 11 + 15 + 16, 12 + 13 + 17 + 18, 14 + 19]);
});

test('an initializer whose data does not fill its shape is refused, naming it', () => {
  assert.throws(
    () =>
      writeOnnxModel({
        name: 'bad',
        nodes: [],
        initializers: [{ name: 'conv0.weight', dims: [2, 3], data: new Float32Array(5) }],
        inputs: [],
        outputs: [],
      }),
    /Expected 6 floats for initializer 'conv0.weight' of shape \[2, 3\], but got 5/,
  );
});
