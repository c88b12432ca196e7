import type * as tfc from '@tensorflow/tfjs-core';
import type { Human, Config as HumanConfig } from '@vladmandic/human';
import type * as ort from 'onnxruntime-node';

/** The TensorFlow.js namespace the whole process shares (one engine, one backend). */
export type Tf = typeof tfc;

/** onnxruntime-node's module (Node only): runs the networks meme-mirror builds itself as ONNX graphs. */
export type OnnxRuntime = typeof ort;

/** The parts of face-api that meme-mirror uses (its expression network). */
export interface FaceApiModule {
  nets: { faceExpressionNet: FaceExpressionNetLike };
  toNetInput(input: tfc.Tensor3D | tfc.Tensor3D[]): Promise<unknown>;
}

export interface FaceExpressionNetLike {
  readonly isLoaded: boolean;
  loadFromUri(uri: string): Promise<void>;
  loadFromDisk?(path: string): Promise<void>;
  faceFeatureExtractor: { forwardInput(input: unknown): tfc.Tensor4D };
  runNet(input: tfc.Tensor4D): tfc.Tensor2D;
}

/** Compute backends, in the order they are tried when none is named. */
export const BACKENDS = {
  wasm: 'WebAssembly (CPU, SIMD): the same code in Node and in the browser',
  cpu: 'plain JavaScript (slow; a fallback and a reference)',
  webgl: 'WebGL (GPU; browser only)',
} as const;

export type BackendName = keyof typeof BACKENDS;

/**
 * Everything that differs between Node and the browser for running models:
 * how TensorFlow.js, human and face-api are loaded and where their weights live.
 * The face and expression stages take one of these and import nothing platform-specific.
 */
export interface ModelRuntime {
  readonly platform: 'node' | 'browser';
  readonly tf: Tf;
  readonly backend: BackendName;
  /** A human instance with nothing enabled but the face detector and mesh; shared per process. */
  readonly human: Human;
  readonly faceapi: FaceApiModule;
  /** Where face-api's weights live (a folder in Node, a URL in the browser), for messages. */
  readonly faceapiModelBase: string;
  /** Loads face-api's expression network weights from `faceapiModelBase`. */
  loadFaceExpressionNet(): Promise<void>;
  /**
   * ONNX Runtime, when it loaded (Node, on the platforms onnxruntime-node ships binaries for):
   * face-api's expression network then runs on it instead of TensorFlow.js. Absent in the browser.
   */
  readonly onnx?: OnnxRuntime;
  /** Intra-op threads of each ONNX Runtime session (with `onnx`). */
  readonly onnxThreads?: number;
  /** Why ONNX Runtime is not in use in Node (not installed, failed to load, or turned off), for diagnostics. */
  readonly onnxUnavailable?: string;
}

export type { HumanConfig };
