/**
 * face-api's dense block, its weights and its wiring, defined once for every engine that runs it
 * (TensorFlow.js in faceapi_net.ts, ONNX Runtime in faceapi_onnx.ts): each engine supplies the
 * three operations, so the two cannot wire the block differently.
 */
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';

export interface ConvParams {
  filters: Tensor4D;
  bias: Tensor1D;
}
export interface SeparableParams {
  depthwise_filter: Tensor4D;
  pointwise_filter: Tensor4D;
  bias: Tensor1D;
}
/** The first block opens with a plain convolution, the others with a separable one. */
export interface DenseBlockParams {
  conv0: ConvParams | SeparableParams;
  conv1: SeparableParams;
  conv2: SeparableParams;
  conv3: SeparableParams;
}

/** What an engine provides to build a dense block on its values (tensors, graph names). */
export interface DenseBlockOps<T> {
  /** The stride-2 convolution that opens the block (plain or separable), with its bias and a ReLU. */
  open(x: T, conv0: DenseBlockParams['conv0']): T;
  /** A stride-1 separable convolution with its bias, no activation. */
  separable(x: T, p: SeparableParams): T;
  /** ReLU of the sum of the values. */
  reluSum(xs: T[]): T;
}

/** The block: three separable convolutions, each reading the ReLU of the sum of all before it. */
export function denseBlock<T>(ops: DenseBlockOps<T>, x: T, p: DenseBlockParams): T {
  const n = ops.open(x, p.conv0);
  const s = ops.separable(n, p.conv1);
  const i = ops.separable(ops.reluSum([n, s]), p.conv2);
  const m = ops.separable(ops.reluSum([n, s, i]), p.conv3);
  return ops.reluSum([n, s, i, m]);
}
