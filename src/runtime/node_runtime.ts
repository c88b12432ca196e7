/**
 * The Node adapter for models: TensorFlow.js core with the WASM backend (the same backend the
 * browser uses, since @tensorflow/tfjs-node cannot be installed everywhere), human and face-api in
 * their "node-wasm" builds, and weights read from the npm packages on disk.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { io } from '@tensorflow/tfjs-core';
import type { Human } from '@vladmandic/human';
import { MemeMirrorError, describeError } from '../errors.js';
import { BACKENDS } from './runtime_types.js';
import type { BackendName, FaceApiModule, ModelRuntime, OnnxRuntime, Tf } from './runtime_types.js';
import { HUMAN_FACE_CONFIG } from './human_config.js';

const require = createRequire(import.meta.url);

/** Resolves a file of an installed package, even one its `exports` map does not list. */
function packageFile(pkg: string, relative: string): string {
  return join(dirname(require.resolve(pkg)), relative);
}

/** Reads a tfjs graph/layers model (model.json + weight shards) from disk, for file:// URLs. */
function registerFileLoader(tf: Tf): void {
  // tfjs routers return null for URLs they do not handle, though the type says otherwise.
  const router = (url: string | string[]): io.IOHandler | null => {
    const first = Array.isArray(url) ? url[0] : url;
    if (typeof first !== 'string' || !first.startsWith('file://')) return null;
    const path = fileURLToPath(first);
    return {
      load: async () => {
        let json: {
          modelTopology?: object;
          format?: string;
          generatedBy?: string;
          convertedBy?: string | null;
          weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
        };
        try {
          json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
        } catch (error) {
          throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot read model ${path}: ${describeError(error)}`, {
            file: path,
            cause: error,
          });
        }
        const shards = await Promise.all(
          json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(join(dirname(path), p)))),
        );
        const all = Buffer.concat(shards);
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
          weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        };
      },
    };
  };
  tf.io.registerLoadRouter(router as Parameters<Tf["io"]["registerLoadRouter"]>[0]);
}

/** Most intra-op threads an ONNX Runtime session gets by default: one image's faces are one small batch. */
const DEFAULT_ONNX_THREADS = 2;

/**
 * onnxruntime-node, unless MEME_MIRROR_ONNX=0 turns it off or it cannot load here (it ships binaries
 * for Linux, macOS and Windows on x64 and arm64); without it the networks run on TensorFlow.js.
 * Its sessions use MEME_MIRROR_ONNX_THREADS intra-op threads (default: 2, or 1 on a 1-core machine;
 * processes that run side by side, like the training extraction's workers, set 1).
 */
export function loadOnnxRuntime(env: NodeJS.ProcessEnv = process.env): { onnx: OnnxRuntime; onnxThreads: number } | { onnxUnavailable: string } {
  if (env['MEME_MIRROR_ONNX'] === '0') return { onnxUnavailable: 'turned off by MEME_MIRROR_ONNX=0' };
  const threadsText = env['MEME_MIRROR_ONNX_THREADS'];
  const onnxThreads = threadsText === undefined || threadsText === '' ? Math.min(DEFAULT_ONNX_THREADS, availableParallelism()) : Number(threadsText);
  if (!Number.isInteger(onnxThreads) || onnxThreads < 1 || onnxThreads > 64) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected MEME_MIRROR_ONNX_THREADS to be a whole number from 1 to 64, but got '${threadsText}'`);
  }
  try {
    return { onnx: require('onnxruntime-node') as OnnxRuntime, onnxThreads };
  } catch (error) {
    return { onnxUnavailable: `onnxruntime-node did not load: ${describeError(error)}` };
  }
}

async function createNodeRuntime(backend: BackendName): Promise<ModelRuntime> {
  if (backend === 'webgl') {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `Expected backend to be one of ${Object.keys(BACKENDS).filter((b) => b !== 'webgl').join(', ')} in Node, but got 'webgl' (browser only)`,
    );
  }
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const humanModule = require(packageFile('@vladmandic/human', 'human.node-wasm.js')) as {
    Human: new (config: object) => Human;
  };
  const faceapi = require(packageFile('@vladmandic/face-api', 'face-api.node-wasm.js')) as FaceApiModule;
  if (backend === 'cpu') require('@tensorflow/tfjs-backend-cpu');
  registerFileLoader(tf);
  const wasmPath = packageFile('@tensorflow/tfjs-backend-wasm', '.') + '/';
  const humanModels = pathToFileURL(packageFile('@vladmandic/human', '../models/')).href;
  const human = new humanModule.Human({ ...HUMAN_FACE_CONFIG, backend, wasmPath, modelBasePath: humanModels });
  try {
    await human.load();
    await human.init();
  } catch (error) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot load the face models from ${humanModels}: ${describeError(error)}`, {
      cause: error,
    });
  }
  if (tf.getBackend() !== backend) {
    throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected the ${backend} backend to start, but got '${tf.getBackend()}'`);
  }
  const faceapiModelBase = packageFile('@vladmandic/face-api', '../model');
  return {
    platform: 'node',
    tf,
    backend,
    human,
    faceapi,
    faceapiModelBase,
    ...loadOnnxRuntime(),
    // face-api fetches its weights itself (not through tfjs's routers); its Node build reads disk.
    loadFaceExpressionNet: async () => {
      const net = faceapi.nets.faceExpressionNet;
      if (!net.loadFromDisk) throw new Error("face-api's Node build has no loadFromDisk");
      await net.loadFromDisk(faceapiModelBase);
    },
  };
}

// TensorFlow.js has one engine per process, so the runtime is a per-process singleton by nature:
// models are loaded once per process and shared read-only by every detector and embedder.
let runtimePromise: Promise<ModelRuntime> | undefined;
let runtimeBackend: BackendName | undefined;

/** The process's model runtime, created on first use. A second call with another backend is an error. */
export function nodeRuntime(backend: BackendName = 'wasm'): Promise<ModelRuntime> {
  if (!(backend in BACKENDS)) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected backend to be one of ${Object.keys(BACKENDS).join(', ')}, but got '${String(backend)}'`);
  }
  if (runtimePromise && runtimeBackend !== backend) {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `This process already runs models on the ${runtimeBackend} backend; cannot switch to '${backend}'`,
    );
  }
  runtimeBackend = backend;
  runtimePromise ??= createNodeRuntime(backend).catch((error: unknown) => {
    runtimePromise = undefined;
    throw error;
  });
  return runtimePromise;
}
