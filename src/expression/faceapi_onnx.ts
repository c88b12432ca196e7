/**
 * face-api's expression network on ONNX Runtime (Node): the same weights, read out of face-api's
 * npm package at load, written as an ONNX graph of standard operators (Conv, Relu, Add, Sum,
 * GlobalAveragePool, Gemm) and run by onnxruntime-node's native CPU kernels: 2.2 ms a face against
 * 6.2 ms on TensorFlow.js's WASM backend in one `npm run bench`, the same outputs within 1e-4 (test).
 * Nothing is committed or downloaded: the graph is built from the loaded weights, one per input side.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { MemeMirrorError, describeError } from '../errors.js';
import { writeOnnxModel } from '../runtime/onnx_writer.js';
import type { OnnxGraph, OnnxInitializer, OnnxNode } from '../runtime/onnx_writer.js';
import type { OnnxRuntime } from '../runtime/runtime_types.js';
import { denseBlock } from './faceapi_dense_block.js';
import type { DenseBlockOps, SeparableParams } from './faceapi_dense_block.js';
import type { FaceApiNetParams } from './faceapi_net.js';

/** Input of the graph: normalised crops, channels first. */
const INPUT = 'crops';
export const ONNX_OUTPUTS = { features: 'features', logits: 'logits' } as const;

/** TensorFlow's 'same' padding of one spatial axis: [before, after], the odd pixel after. */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** HWIO (tfjs) to OIHW (ONNX). */
function oihw(filter: Tensor4D): OnnxInitializer['data'] {
  const [h, w, i, o] = filter.shape;
  const src = filter.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++) for (let k = 0; k < o; k++) out[((k * i + c) * h + y) * w + x] = src[((y * w + x) * i + c) * o + k]!;
  return out;
}

/** A depthwise filter [h, w, C, 1] (tfjs) as a grouped convolution's [C, 1, h, w] (ONNX). */
function depthwiseOihw(filter: Tensor4D): OnnxInitializer['data'] {
  const [h, w, c] = filter.shape;
  const src = filter.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = src[(y * w + x) * c + k]!;
  return out;
}

/** Builds the graph of face-api's FaceFeatureExtractor + classifier for side x side crops. */
export function faceApiNetGraph(params: FaceApiNetParams, side: number): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  let next = 0;
  const name = (prefix: string): string => `${prefix}${next++}`;
  const weight = (data: Float32Array, dims: number[]): string => {
    const n = name('w');
    initializers.push({ name: n, dims, data });
    return n;
  };
  const bias = (b: Tensor1D): string => weight(b.dataSync() as Float32Array, [b.shape[0]]);
  const op = (type: string, inputs: string[], attributes: OnnxNode['attributes'] = []): string => {
    const out = name('t');
    nodes.push({ op: type, inputs, outputs: [out], attributes });
    return out;
  };
  /** Side of the maps the next convolution reads; each convolution divides it by its stride. */
  let size = side;
  const conv = (x: string, inputs: string[], kernel: number, stride: number, group: number): string => {
    const [before, after] = samePadding(size, kernel, stride);
    size = Math.ceil(size / stride);
    return op('Conv', [x, ...inputs], [
      { name: 'kernel_shape', ints: [kernel, kernel] },
      { name: 'strides', ints: [stride, stride] },
      { name: 'pads', ints: [before, before, after, after] },
      { name: 'group', int: group },
    ]);
  };
  const separable = (x: string, p: SeparableParams, stride: 1 | 2): string => {
    const [kh, kw, channels] = p.depthwise_filter.shape;
    const depthwise = conv(x, [weight(depthwiseOihw(p.depthwise_filter), [channels, 1, kh, kw])], kh, stride, channels);
    const [, , cin, cout] = p.pointwise_filter.shape;
    return conv(depthwise, [weight(oihw(p.pointwise_filter), [cout, cin, 1, 1]), bias(p.bias)], 1, 1, 1);
  };
  const ops: DenseBlockOps<string> = {
    open: (x, c0) => {
      if (!('filters' in c0)) return op('Relu', [separable(x, c0, 2)]);
      const [kh, kw, cin, cout] = c0.filters.shape;
      return op('Relu', [conv(x, [weight(oihw(c0.filters), [cout, cin, kh, kw]), bias(c0.bias)], kh, 2, 1)]);
    },
    separable: (x, p) => separable(x, p, 1),
    reluSum: (xs) => op('Relu', [op('Sum', xs)]),
  };

  let x = INPUT;
  for (const block of params.dense) x = denseBlock(ops, x, block);
  const pooled = op('GlobalAveragePool', [x]);
  nodes.push({ op: 'Flatten', inputs: [pooled], outputs: [ONNX_OUTPUTS.features] });
  const [features, classes] = params.fc.weights.shape;
  nodes.push({
    op: 'Gemm',
    inputs: [ONNX_OUTPUTS.features, weight(params.fc.weights.dataSync() as Float32Array, [features, classes]), bias(params.fc.bias)],
    outputs: [ONNX_OUTPUTS.logits],
  });
  return {
    name: `faceapi-expression-${side}`,
    nodes,
    initializers,
    inputs: [{ name: INPUT, dims: ['batch', 3, side, side] }],
    outputs: [
      { name: ONNX_OUTPUTS.features, dims: ['batch', features] },
      { name: ONNX_OUTPUTS.logits, dims: ['batch', classes] },
    ],
  };
}

const sessionsOf = new WeakMap<FaceApiNetParams, Map<string, Promise<InferenceSession>>>();

/**
 * One session per weights, side and thread count, made on first use. Detection and the embedding
 * run one after the other, so the network may use both cores of a 2-core machine: 3.02 and 3.59 ms
 * a face on 2 intra-op threads against 4.46 and 4.70 ms on 1, in `npm run bench` runs of one day.
 */
export function faceApiNetSession(ort: OnnxRuntime, params: FaceApiNetParams, side: number, threads: number): Promise<InferenceSession> {
  let sessions = sessionsOf.get(params);
  if (!sessions) sessionsOf.set(params, (sessions = new Map()));
  const key = `${side}/${threads}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(writeOnnxModel(faceApiNetGraph(params, side)), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    }).catch((error: unknown) => {
      sessions.delete(key);
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot start ONNX Runtime on face-api's expression network at ${side} px: ${describeError(error)} (MEME_MIRROR_ONNX=0 runs it on TensorFlow.js instead)`, { cause: error });
    });
    sessions.set(key, session);
  }
  return session;
}

/** Runs the network on a batch of normalised crops, channels first ([n, 3, side, side]). */
export async function runFaceApiNetOnnx(
  ort: OnnxRuntime,
  params: FaceApiNetParams,
  batch: Float32Array,
  count: number,
  side: number,
  threads: number,
): Promise<{ features: Float32Array; logits: Float32Array }> {
  const session = await faceApiNetSession(ort, params, side, threads);
  const input = new ort.Tensor('float32', batch, [count, 3, side, side]);
  const results = await session.run({ [INPUT]: input });
  const features = results[ONNX_OUTPUTS.features];
  const logits = results[ONNX_OUTPUTS.logits];
  if (!features || !logits) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected ONNX Runtime to return ${Object.values(ONNX_OUTPUTS).join(' and ')}, but got ${Object.keys(results).join(', ')}`);
  }
  return { features: features.data as Float32Array, logits: logits.data as Float32Array };
}
