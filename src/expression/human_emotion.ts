import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { DetectedFace } from '../face/face_types.js';
import { squareCrop } from '../face/geometry.js';
import type { RgbImage } from '../image/image_types.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { MemeMirrorError, describeError } from '../errors.js';

/** The 7 classes of human's emotion model (oarriaga/face_classification mini-Xception), in its output order. */
export const HUMAN_EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

/** Side of the grey square the emotion model reads. */
export const HUMAN_EMOTION_INPUT_SIZE = 64;
/**
 * Crop side as a multiple of the longer side of the face-mesh box. The model was trained on FER2013's
 * 48x48 crops, which show the whole face from forehead to chin: a little wider than the mesh box.
 */
export const HUMAN_EMOTION_CROP_SCALE = 1.1;

// ITU-R BT.601 luma weights, as human uses them (rgb2gray).
const LUMA = [0.2989, 0.587, 0.114] as const;

/** The part of a tfjs graph model this file uses. */
interface GraphModelLike {
  execute(input: Tensor): Tensor | Tensor[];
  dispose(): void;
}

/** The part of human's bundled tfjs this file uses: a graph-model loader that honours the runtime's routers. */
interface HumanTfLike {
  loadGraphModel(url: string): Promise<GraphModelLike>;
}

const loaded = new WeakMap<ModelRuntime, Promise<GraphModelLike>>();

/** Where human's weights live (a file:// URL in Node, an http(s) URL in the browser). */
function humanModelBase(runtime: ModelRuntime): string {
  const base = (runtime.human.config as { modelBasePath?: string }).modelBasePath ?? '';
  return base.endsWith('/') ? base : `${base}/`;
}

/** Loads human's emotion model (emotion.json beside human's other weights) once per runtime. */
export function loadHumanEmotion(runtime: ModelRuntime): Promise<GraphModelLike> {
  let promise = loaded.get(runtime);
  if (!promise) {
    const url = `${humanModelBase(runtime)}emotion.json`;
    const tf = (runtime.human as unknown as { tf: HumanTfLike }).tf;
    promise = tf.loadGraphModel(url).catch((error: unknown) => {
      loaded.delete(runtime);
      throw new MemeMirrorError('MODEL_LOAD_FAILED', `Cannot load human's emotion model from ${url}: ${describeError(error)}`, {
        cause: error,
      });
    });
    loaded.set(runtime, promise);
  }
  return promise;
}

/**
 * human's emotion model on each face: 7 probabilities in HUMAN_EMOTIONS order (one batch for all faces).
 * Preprocessing as human's gear/emotion.ts: grey (BT.601), 64x64, scaled to -1..1.
 */
export async function humanEmotions(runtime: ModelRuntime, image: RgbImage, faces: readonly DetectedFace[]): Promise<Float32Array[]> {
  if (faces.length === 0) return [];
  const model = await loadHumanEmotion(runtime);
  const { tf } = runtime;
  const boxes = faces.map((face) => {
    const [x, y, w, h] = squareCrop(face.box, HUMAN_EMOTION_CROP_SCALE);
    return [y / image.height, x / image.width, (y + h) / image.height, (x + w) / image.width];
  });
  const input = tf.tidy(() => {
    const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'float32');
    const size = HUMAN_EMOTION_INPUT_SIZE;
    const crops = tf.image.cropAndResize(pixels, boxes, new Array<number>(faces.length).fill(0), [size, size]);
    const grey = tf.sum(tf.mul(crops, tf.tensor1d([...LUMA])), 3, true);
    return tf.sub(tf.mul(grey, 2 / 255), 1);
  });
  let output: Tensor | Tensor[] | undefined;
  try {
    output = model.execute(input);
    const probs = (Array.isArray(output) ? output[0] : output) as Tensor2D;
    const data = await probs.data();
    const classes = HUMAN_EMOTIONS.length;
    return faces.map((_, i) => Float32Array.from(data.subarray(i * classes, (i + 1) * classes)));
  } finally {
    tf.dispose([input, ...(output === undefined ? [] : Array.isArray(output) ? output : [output])]);
  }
}
