/**
 * A small multilayer perceptron in plain TypeScript: the trained head of meme-mirror's expression
 * embedding. A few hundred inputs and one hidden layer take well under a millisecond, so it needs
 * no TensorFlow, and the same code runs in Node, the browser and a Web Worker.
 */
import { MemeMirrorError } from '../errors.js';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** inputs x outputs, row-major: weight of input i to output j at [i * outputs + j]. */
  weights: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'linear';
}

export interface MlpWeights {
  /** Subtracted from each input before the first layer. */
  inputMean: Float32Array;
  /** Each input is divided by this (already floored away from 0) after the mean is subtracted. */
  inputScale: Float32Array;
  layers: DenseLayer[];
}

/** Runs the layers on one input vector; the output as the last layer gives it, or L2-normalised. */
export function mlpForward(model: MlpWeights, input: Float32Array, normalise = true): Float32Array {
  const dims = model.inputMean.length;
  if (input.length !== dims) {
    throw new MemeMirrorError('DIMENSION_MISMATCH', `Expected an input of ${dims} floats for the expression head, but got ${input.length}`);
  }
  let x = new Float32Array(dims);
  for (let i = 0; i < dims; i++) x[i] = (input[i]! - model.inputMean[i]!) / model.inputScale[i]!;
  for (const layer of model.layers) {
    const y = Float32Array.from(layer.bias);
    const { weights, outputs } = layer;
    for (let i = 0; i < layer.inputs; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * outputs;
      for (let j = 0; j < outputs; j++) y[j]! += xi * weights[row + j]!;
    }
    if (layer.activation === 'relu') for (let j = 0; j < outputs; j++) y[j] = Math.max(0, y[j]!);
    x = y;
  }
  return normalise ? l2Normalise(x) : x;
}

/** The vector divided by its Euclidean length (a zero vector stays zero). */
export function l2Normalise(x: Float32Array): Float32Array {
  let norm = 0;
  for (const v of x) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return x.map((v) => v / norm);
}

/** Float32 values from base64 of their little-endian bytes (how committed weights are stored). */
export function decodeFloat32Base64(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** base64 of Float32 values as little-endian bytes. */
export function encodeFloat32Base64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
