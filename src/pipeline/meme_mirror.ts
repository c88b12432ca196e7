import { MemeMirrorError } from '../errors.js';
import type { ExpressionModel } from '../expression/expression_types.js';
import { createExpressionModel } from '../expression/models.js';
import { FaceDetector } from '../face/face_detector.js';
import type { DetectedFace } from '../face/face_types.js';
import { decodeImageBuffer, decodeImageFile } from '../image/decode_node.js';
import type { RgbImage } from '../image/image_types.js';
import type { MemeIndex } from '../index/memory_index.js';
import { indexMismatchError } from '../index/format.js';
import { readIndexFile } from '../index/store_node.js';
import { nodeRuntime } from '../runtime/node_runtime.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import { resolveMemeMirrorOptions, resolveTop } from './meme_mirror_options.js';
import type { MatchOptions, MemeMirrorOptions, ResolvedMemeMirrorOptions } from './meme_mirror_options.js';
import type { FaceEmbedding, ImageEmbeddings, ImageInput, ImageMatches } from './pipeline_types.js';

/** A decoded image with the name used in results and errors. */
interface NamedImage {
  name: string;
  image: RgbImage;
}

/** Faces of one image with their embeddings, before they become plain data. */
export interface EmbeddedFaces {
  faces: DetectedFace[];
  embeddings: Float32Array[];
}

/**
 * The pipeline in one object: decode -> detect every face -> expression embedding -> nearest memes.
 *
 *     const mm = await MemeMirror.create({ index: 'memes.idx' });
 *     const result = await mm.match('me.jpg', { top: 3 });
 *     mm.close();
 */
export class MemeMirror {
  readonly options: ResolvedMemeMirrorOptions;
  readonly detector: FaceDetector;
  readonly model: ExpressionModel;
  #index: MemeIndex | undefined;
  #closed = false;

  private constructor(options: ResolvedMemeMirrorOptions, detector: FaceDetector, model: ExpressionModel) {
    this.options = options;
    this.detector = detector;
    this.model = model;
  }

  static async create(options: MemeMirrorOptions = {}): Promise<MemeMirror> {
    const resolved = resolveMemeMirrorOptions(options);
    const runtime: ModelRuntime = await nodeRuntime(resolved.backend);
    const detector = await FaceDetector.create(runtime, resolved.detector);
    const model = await createExpressionModel(resolved.model, runtime);
    const mm = new MemeMirror(resolved, detector, model);
    if (resolved.index !== undefined) await mm.loadIndex(resolved.index);
    return mm;
  }

  /** Id of the expression model, as written into index files. */
  get modelId(): string {
    return this.model.id;
  }

  /** The loaded meme index, if any. */
  get index(): MemeIndex | undefined {
    return this.#index;
  }

  /** Loads an index file for `match`; refuses one made by another model. */
  async loadIndex(path: string): Promise<MemeIndex> {
    this.#live();
    this.#index = await readIndexFile(path, { modelId: this.model.id, dims: this.model.dims });
    return this.#index;
  }

  /** Uses an index already in memory (it must come from the same model). */
  useIndex(index: MemeIndex): void {
    this.#live();
    this.#checkIndex(index);
    this.#index = index;
  }

  /** Decodes an image input: a file path, encoded bytes, or pixels as they are. */
  async decode(input: ImageInput): Promise<NamedImage> {
    this.#live();
    if (typeof input === 'string') return { name: input, image: await decodeImageFile(input, this.options.decode) };
    if (input instanceof Uint8Array) {
      return { name: '<buffer>', image: await decodeImageBuffer(input, { ...this.options.decode, name: '<buffer>' }) };
    }
    return { name: '<pixels>', image: input };
  }

  /** Every face of a decoded image with its expression embedding, largest face first. */
  async embedFaces(image: RgbImage): Promise<EmbeddedFaces> {
    this.#live();
    const faces = await this.detector.detect(image);
    const embeddings = await this.model.embed(image, faces);
    return { faces, embeddings };
  }

  /** Every face of an image with its expression embedding: the `embed --json` result. */
  async embed(input: ImageInput): Promise<ImageEmbeddings> {
    const { name, image } = await this.decode(input);
    const { faces, embeddings } = await this.embedFaces(image);
    return {
      file: name,
      model: this.model.id,
      dims: this.model.dims,
      width: image.width,
      height: image.height,
      faces: faces.map((face, i): FaceEmbedding => ({
        box: face.box,
        score: face.score,
        embedding: Array.from(embeddings[i] ?? []),
      })),
    };
  }

  /** For each face of the image, the `top` nearest meme faces of the index: the `match --json` result. */
  async match(input: ImageInput, options: MatchOptions & { index?: MemeIndex } = {}): Promise<ImageMatches> {
    const top = resolveTop(options.top);
    const index = options.index ?? this.#index;
    if (!index) {
      throw new MemeMirrorError('INVALID_OPTION', 'Expected an index to match against (the index option or loadIndex()), but got none');
    }
    this.#checkIndex(index);
    const { name, image } = await this.decode(input);
    const { faces, embeddings } = await this.embedFaces(image);
    return {
      file: name,
      faces: faces.map((face, i) => ({
        box: face.box,
        score: face.score,
        matches: index.match(embeddings[i]!, top).map(({ file, box, distance }) => ({ file, box, distance })),
      })),
    };
  }

  /** Releases this object's hold on the models; it cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detector.close();
    this.model.close();
    this.#index = undefined;
  }

  #checkIndex(index: MemeIndex): void {
    if (index.modelId !== this.model.id || index.dims !== this.model.dims) {
      throw indexMismatchError(index, { modelId: this.model.id, dims: this.model.dims });
    }
  }

  #live(): void {
    if (this.#closed) throw new MemeMirrorError('CLOSED', 'MemeMirror was used after close()');
  }
}
