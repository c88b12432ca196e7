/** Options of the browser runtime and the choice of backend: plain code, loadable without TensorFlow. */
import { MemeMirrorError } from '../errors.js';
import { withDefaults } from '../util/options.js';

/** Backends the browser runtime can run on, fastest first. */
export const BROWSER_BACKENDS = {
  webgl: 'WebGL (GPU)',
  wasm: 'WebAssembly (CPU, SIMD)',
} as const;

export type BrowserBackendName = keyof typeof BROWSER_BACKENDS;

/** A backend, or 'auto': WebGL on a hardware GPU, else WASM. */
export type BrowserBackendChoice = BrowserBackendName | 'auto';

export interface BrowserRuntimeOptions {
  /** Which backend to start on. Defaults to 'auto'. */
  backend?: BrowserBackendChoice;
  /** URL of the folder of human's model files (blazeface.json, facemesh.json). Defaults to '/models/human/'. */
  humanModels?: string;
  /** URL of the folder of face-api's weights (face_expression_model-*). Defaults to '/models/faceapi/'. */
  faceapiModels?: string;
  /** URL of the folder of tfjs-backend-wasm's .wasm files. Defaults to '/wasm/'. */
  wasmPath?: string;
}

export type ResolvedBrowserRuntimeOptions = Required<BrowserRuntimeOptions>;

export const BROWSER_RUNTIME_DEFAULTS: ResolvedBrowserRuntimeOptions = Object.freeze({
  backend: 'auto',
  humanModels: '/models/human/',
  faceapiModels: '/models/faceapi/',
  wasmPath: '/wasm/',
});

export function isBrowserBackendName(name: string): name is BrowserBackendName {
  return Object.hasOwn(BROWSER_BACKENDS, name);
}

/** Fills every option, validating the backend; nothing below this sees `undefined`. */
export function resolveBrowserRuntimeOptions(options: BrowserRuntimeOptions = {}): ResolvedBrowserRuntimeOptions {
  const o = withDefaults(BROWSER_RUNTIME_DEFAULTS, options);
  if (o.backend !== 'auto' && !isBrowserBackendName(o.backend)) {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `Expected backend to be one of auto, ${Object.keys(BROWSER_BACKENDS).join(', ')}, but got '${String(o.backend)}'`,
    );
  }
  return o;
}

/** What the page's WebGL looks like: absent, software-rendered (SwiftShader, llvmpipe) or a GPU. */
export interface WebGlInfo {
  available: boolean;
  software: boolean;
  /** The GPU's name as the browser reports it, or '' when unknown. */
  renderer: string;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Probes WebGL once with a throwaway canvas (its context is released at once). */
export function probeWebGl(): WebGlInfo {
  if (typeof document === 'undefined') return { available: false, software: false, renderer: '' };
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return { available: false, software: false, renderer: '' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, software: SOFTWARE_RENDERERS.test(renderer), renderer };
}

/** The backend 'auto' stands for: WebGL on a hardware GPU; WASM without WebGL or on a software renderer. */
export function autoBackend(info: WebGlInfo = probeWebGl()): BrowserBackendName {
  return info.available && !info.software ? 'webgl' : 'wasm';
}
