/**
 * face-api's expression network, run by meme-mirror itself on its own weights: any input side, the
 * crop made in JavaScript from the decoded bytes (no upload of the whole image), bias adds fused
 * into the convolutions. At 112 px it gives face-api's own features and logits (test: within 1e-4).
 * In Node it runs on ONNX Runtime when that loaded (faceapi_onnx.ts), else, and in the browser, on
 * TensorFlow.js.
 *
 * The network (face-api's FaceFeatureExtractor + FaceExpressionNet): four dense blocks of a stride-2
 * convolution and three separable convolutions with residual sums, 112 -> 56 -> 28 -> 14 -> 7 px and
 * 32, 64, 128, 256 channels; the mean over the last maps (256 floats); a dense layer to 7 logits.
 */
import type { Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Box } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime, Tf } from '../runtime/runtime_types.js';
import { MemeMirrorError } from '../errors.js';
import { denseBlock } from './faceapi_dense_block.js';
import type { DenseBlockOps, DenseBlockParams, SeparableParams } from './faceapi_dense_block.js';
import { runFaceApiNetOnnx } from './faceapi_onnx.js';

/** Per-channel mean face-api subtracts before dividing by 255. */
const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** Channels of the last feature maps (the pooled feature vector). */
export const FACEAPI_FEATURES = 256;
/** Classes of the classifier (its logits). */
const FACEAPI_CLASSES = 7;
/** Side of the square crop face-api's own API feeds the network (runFaceApiNet takes any side). */
export const FACEAPI_INPUT_SIZE = 112;

/** The loaded weights, as face-api holds them. */
export interface FaceApiNetParams {
  dense: readonly [DenseBlockParams, DenseBlockParams, DenseBlockParams, DenseBlockParams];
  fc: { weights: Tensor2D; bias: Tensor1D };
}

/** What the network gives for one face. */
export interface FaceApiNetOutput {
  /** The classifier's 7 logits (neutral happy sad angry fearful disgusted surprised). */
  logits: Float32Array;
  /** Mean of the last feature maps: the 256 floats the classifier reads. */
  features: Float32Array;
}

const paramsOf = new WeakMap<ModelRuntime, FaceApiNetParams>();

/** Reads the weights out of face-api's loaded expression network (once per runtime). */
export function faceApiNetParams(runtime: ModelRuntime): FaceApiNetParams {
  const known = paramsOf.get(runtime);
  if (known) return known;
  const net = runtime.faceapi.nets.faceExpressionNet as unknown as {
    params?: { fc?: FaceApiNetParams['fc'] };
    faceFeatureExtractor: { params?: Record<'dense0' | 'dense1' | 'dense2' | 'dense3', DenseBlockParams> };
  };
  const p = net.faceFeatureExtractor.params;
  const fc = net.params?.fc;
  if (!p || !fc || !p.dense0 || !p.dense3) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', "Expected face-api's expression network to be loaded with dense0..dense3 and fc weights, but they are missing");
  }
  const params: FaceApiNetParams = { dense: [p.dense0, p.dense1, p.dense2, p.dense3], fc };
  paramsOf.set(runtime, params);
  return params;
}

function separable(tf: Tf, x: Tensor4D, p: SeparableParams, stride: 1 | 2, activation: 'linear' | 'relu' = 'linear'): Tensor4D {
  const depthwise = tf.depthwiseConv2d(x, p.depthwise_filter, stride, 'same');
  return tf.fused.conv2d({ x: depthwise, filter: p.pointwise_filter, strides: 1, pad: 'valid', bias: p.bias, activation });
}

/** The dense block's operations on TensorFlow.js tensors (bias and ReLU fused into the convolutions). */
function tfOps(tf: Tf): DenseBlockOps<Tensor4D> {
  return {
    open: (x, c0) =>
      'filters' in c0
        ? tf.fused.conv2d({ x, filter: c0.filters, strides: 2, pad: 'same', bias: c0.bias, activation: 'relu' })
        : separable(tf, x, c0, 2, 'relu'),
    separable: (x, p) => separable(tf, x, p, 1),
    reluSum: (xs) => tf.relu(tf.addN(xs)),
  };
}

/**
 * A square crop of `box` (pixels, may reach outside the image: zeros there) resized to side x side
 * by bilinear sampling, as RGB floats 0..255: the sampling of tf.image.cropAndResize, done on the
 * bytes so that only the crop is handed to the network.
 */
export function cropFace(image: RgbImage, box: Box, side: number): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(side * side * 3);
  const [bx, by, bw, bh] = box;
  // cropAndResize maps output i to y1*(H-1) + i*(y2-y1)*(H-1)/(side-1) with y in 0..1 of the image.
  const y1 = by / height;
  const y2 = (by + bh) / height;
  const x1 = bx / width;
  const x2 = (bx + bw) / width;
  const stepY = side > 1 ? ((y2 - y1) * (height - 1)) / (side - 1) : 0;
  const stepX = side > 1 ? ((x2 - x1) * (width - 1)) / (side - 1) : 0;
  const x0s = new Int32Array(side);
  const fxs = new Float32Array(side);
  const okX = new Uint8Array(side);
  for (let i = 0; i < side; i++) {
    const x = side > 1 ? x1 * (width - 1) + i * stepX : 0.5 * (x1 + x2) * (width - 1);
    okX[i] = x >= 0 && x <= width - 1 ? 1 : 0;
    x0s[i] = Math.floor(x);
    fxs[i] = x - Math.floor(x);
  }
  let o = 0;
  for (let j = 0; j < side; j++) {
    const y = side > 1 ? y1 * (height - 1) + j * stepY : 0.5 * (y1 + y2) * (height - 1);
    if (y < 0 || y > height - 1) {
      o += side * 3;
      continue;
    }
    const yTop = Math.floor(y);
    const yBottom = Math.min(yTop + 1, height - 1);
    const fy = y - yTop;
    const top = yTop * width * 3;
    const bottom = yBottom * width * 3;
    for (let i = 0; i < side; i++, o += 3) {
      if (!okX[i]) continue;
      const xl = x0s[i]!;
      const xr = Math.min(xl + 1, width - 1);
      const fx = fxs[i]!;
      for (let ch = 0; ch < 3; ch++) {
        const tl = data[top + xl * 3 + ch]!;
        const tr = data[top + xr * 3 + ch]!;
        const bl = data[bottom + xl * 3 + ch]!;
        const br = data[bottom + xr * 3 + ch]!;
        const t = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[o + ch] = t + (b - t) * fy;
      }
    }
  }
  return out;
}

/** Which engine runs the network on this runtime: ONNX Runtime (Node) or TensorFlow.js. */
export function faceApiNetEngine(runtime: ModelRuntime): 'onnxruntime' | 'tfjs' {
  return runtime.onnx ? 'onnxruntime' : 'tfjs';
}

/**
 * The network's input: the crops checked, stacked and normalised ((RGB - mean) / 255), in the
 * layout of the engine: channels last for TensorFlow.js, channels first for ONNX Runtime.
 */
function networkInput(crops: readonly Float32Array[], side: number, layout: 'nhwc' | 'nchw'): Float32Array {
  const pixels = side * side;
  const size = pixels * 3;
  const [pixelStride, channelStride] = layout === 'nhwc' ? [3, 1] : [1, pixels];
  const batch = new Float32Array(crops.length * size);
  crops.forEach((crop, i) => {
    if (crop.length !== size) {
      throw new MemeMirrorError('DIMENSION_MISMATCH', `Expected a ${side}x${side} RGB crop (${size} floats), but got ${crop.length} floats at face ${i}`);
    }
    const offset = i * size;
    for (let ch = 0; ch < 3; ch++) {
      const mean = MEAN_RGB[ch]!;
      for (let p = 0, o = offset + ch * channelStride; p < pixels; p++, o += pixelStride) batch[o] = (crop[3 * p + ch]! - mean) / 255;
    }
  });
  return batch;
}

function perCrop(count: number, features: Float32Array, logits: Float32Array): FaceApiNetOutput[] {
  return Array.from({ length: count }, (_, i) => ({
    logits: logits.slice(i * FACEAPI_CLASSES, (i + 1) * FACEAPI_CLASSES),
    features: features.slice(i * FACEAPI_FEATURES, (i + 1) * FACEAPI_FEATURES),
  }));
}

/**
 * Runs the network on square RGB crops of one side (one batch), returning one output per crop:
 * on ONNX Runtime where the runtime has it, else on TensorFlow.js.
 */
export async function runFaceApiNet(
  runtime: ModelRuntime,
  params: FaceApiNetParams,
  crops: readonly Float32Array[],
  side: number,
): Promise<FaceApiNetOutput[]> {
  if (!runtime.onnx) return runFaceApiNetTf(runtime, params, crops, side);
  if (crops.length === 0) return [];
  const { features, logits } = await runFaceApiNetOnnx(runtime.onnx, params, networkInput(crops, side, 'nchw'), crops.length, side, runtime.onnxThreads ?? 1);
  return perCrop(crops.length, features, logits);
}

/** The network on TensorFlow.js (the browser's engine, and Node's without ONNX Runtime). */
export async function runFaceApiNetTf(
  runtime: ModelRuntime,
  params: FaceApiNetParams,
  crops: readonly Float32Array[],
  side: number,
): Promise<FaceApiNetOutput[]> {
  if (crops.length === 0) return [];
  const { tf } = runtime;
  const batch = networkInput(crops, side, 'nhwc');
  const outputs = tf.tidy(() => {
    let x = tf.tensor4d(batch, [crops.length, side, side, 3]);
    const ops = tfOps(tf);
    for (const block of params.dense) x = denseBlock(ops, x, block);
    const features = tf.mean(x, [1, 2]) as Tensor2D;
    const logits = tf.add(tf.matMul(features, params.fc.weights), params.fc.bias) as Tensor2D;
    return [features, logits];
  });
  try {
    const [features, logits] = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    return perCrop(crops.length, features!, logits!);
  } finally {
    tf.dispose(outputs);
  }
}

/** A pixel box as tf.image.cropAndResize takes it: [y1, x1, y2, x2] in 0..1 of the image. */
export function cropAndResizeBox(image: RgbImage, [x, y, w, h]: Box): [number, number, number, number] {
  return [y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width];
}

/**
 * face-api's own code path at its 112 px, for reference: the crops cut from a tensor of the whole
 * image (cropAndResize), toNetInput, its extractor and classifier. What runFaceApiNet is tested
 * against (test/faceapi_net.test.ts) and timed beside (npm run bench); not used by the pipeline.
 */
export async function runFaceApiOwn(runtime: ModelRuntime, image: RgbImage, boxes: readonly Box[]): Promise<FaceApiNetOutput[]> {
  if (boxes.length === 0) return [];
  const { tf, faceapi } = runtime;
  const net = faceapi.nets.faceExpressionNet;
  const crops = tf.tidy(() => {
    const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
    const resized = tf.image.cropAndResize(pixels, boxes.map((box) => cropAndResizeBox(image, box)), boxes.map(() => 0), [FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE]);
    return tf.unstack(resized) as Tensor3D[];
  });
  const features = net.faceFeatureExtractor.forwardInput(await faceapi.toNetInput(crops));
  const logits = net.runNet(features);
  try {
    const [f, l] = await Promise.all([features.data() as Promise<Float32Array>, logits.data() as Promise<Float32Array>]);
    return boxes.map((_, i) => ({
      logits: l.slice(i * FACEAPI_CLASSES, (i + 1) * FACEAPI_CLASSES),
      features: f.slice(i * FACEAPI_FEATURES, (i + 1) * FACEAPI_FEATURES),
    }));
  } finally {
    tf.dispose([...crops, features, logits]);
  }
}
