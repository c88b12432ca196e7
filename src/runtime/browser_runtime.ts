/**
 * The browser adapter for models: one TensorFlow.js engine for the page, shared by human and face-api
 * (their "esm-nobundle" builds, bundled together by scripts/build-web.mjs), with the WebGL (GPU) or
 * WASM (CPU) backend, and weights fetched from the server that serves the page (no CDN).
 * The face and expression stages run on it unchanged: they only see the ModelRuntime interface.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Human } from '@vladmandic/human';
import * as faceapi from '@vladmandic/face-api';
import { MemeMirrorError, describeError } from '../errors.js';
import { HUMAN_FACE_CONFIG } from './human_config.js';
import type { FaceApiModule, ModelRuntime } from './runtime_types.js';
import { BROWSER_BACKENDS, autoBackend, isBrowserBackendName, probeWebGl, resolveBrowserRuntimeOptions } from './browser_runtime_options.js';
import type { BrowserBackendName, BrowserRuntimeOptions, ResolvedBrowserRuntimeOptions, WebGlInfo } from './browser_runtime_options.js';

export { BROWSER_BACKENDS, autoBackend, isBrowserBackendName, probeWebGl, resolveBrowserRuntimeOptions };
export type { BrowserBackendChoice, BrowserBackendName, BrowserRuntimeOptions, ResolvedBrowserRuntimeOptions, WebGlInfo } from './browser_runtime_options.js';

/**
 * The page's models on one backend. TensorFlow.js has one engine per page, so there is one of these
 * per page (`BrowserModels.create` returns the same promise on a second call); `setBackend` moves it
 * to another backend, and `runtime` is the ModelRuntime for the backend in use.
 */
export class BrowserModels {
  readonly options: ResolvedBrowserRuntimeOptions;
  readonly webgl: WebGlInfo;
  readonly #human: Human;
  #runtime: ModelRuntime;

  private constructor(options: ResolvedBrowserRuntimeOptions, webgl: WebGlInfo, human: Human, backend: BrowserBackendName) {
    this.options = options;
    this.webgl = webgl;
    this.#human = human;
    this.#runtime = this.#runtimeFor(backend);
  }

  static #page: Promise<BrowserModels> | undefined;

  /** Loads the models (once per page) on the chosen backend, falling back to WASM if WebGL fails to start. */
  static create(options: BrowserRuntimeOptions = {}): Promise<BrowserModels> {
    const resolved = resolveBrowserRuntimeOptions(options);
    BrowserModels.#page ??= BrowserModels.#load(resolved).catch((error: unknown) => {
      BrowserModels.#page = undefined;
      throw error;
    });
    return BrowserModels.#page;
  }

  static async #load(options: ResolvedBrowserRuntimeOptions): Promise<BrowserModels> {
    const webgl = probeWebGl();
    let backend: BrowserBackendName = options.backend === 'auto' ? autoBackend(webgl) : options.backend;
    const human = new Human({
      ...HUMAN_FACE_CONFIG,
      backend,
      wasmPath: options.wasmPath,
      modelBasePath: options.humanModels,
    });
    try {
      await human.init();
      if (tf.getBackend() !== backend && backend === 'webgl') {
        backend = 'wasm';
        human.config.backend = backend;
        await human.init();
      }
      await human.load();
    } catch (error) {
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot load the face models from ${options.humanModels}: ${describeError(error)}`, {
        cause: error,
      });
    }
    if (tf.getBackend() !== backend) {
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Expected the ${backend} backend to start, but got '${tf.getBackend()}'`);
    }
    return new BrowserModels(options, webgl, human, backend);
  }

  /** The ModelRuntime of the backend in use; a new object after each `setBackend`. */
  get runtime(): ModelRuntime {
    return this.#runtime;
  }

  get backend(): BrowserBackendName {
    return this.#runtime.backend as BrowserBackendName;
  }

  /**
   * Moves the page's models to another backend (loaded weights move with them, lazily). Call it
   * between frames: detectors and embedders made on the old runtime keep working, on the new backend.
   */
  async setBackend(backend: BrowserBackendName): Promise<ModelRuntime> {
    if (!isBrowserBackendName(backend)) {
      throw new MemeMirrorError('INVALID_OPTION', `Expected backend to be one of ${Object.keys(BROWSER_BACKENDS).join(', ')}, but got '${String(backend)}'`);
    }
    if (backend === this.backend) return this.#runtime;
    this.#human.config.backend = backend;
    const started = await this.#human.init().then(() => tf.getBackend() === backend, () => false);
    if (!started) {
      this.#human.config.backend = this.backend;
      await this.#human.init();
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot start the ${backend} backend in this browser; staying on ${this.backend}`);
    }
    this.#runtime = this.#runtimeFor(backend);
    return this.#runtime;
  }

  /** Tensors alive in the engine (for leak checks). */
  numTensors(): number {
    return tf.memory().numTensors;
  }

  #runtimeFor(backend: BrowserBackendName): ModelRuntime {
    const faceapiModelBase = this.options.faceapiModels;
    const api = faceapi as unknown as FaceApiModule;
    return {
      platform: 'browser',
      tf,
      backend,
      human: this.#human,
      faceapi: api,
      faceapiModelBase,
      loadFaceExpressionNet: () => api.nets.faceExpressionNet.loadFromUri(faceapiModelBase),
    };
  }
}
