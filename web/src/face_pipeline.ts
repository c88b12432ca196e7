/**
 * One frame through the stages, in the browser: detect (human, on the page's backend) -> embed the
 * largest face (the expression model of the collection's index) -> search (the worker).
 * The same FaceDetector and expression models as the CLI; only the runtime differs.
 */
import { MemeMirrorError } from '../../src/errors.js';
import { createExpressionModel } from '../../src/expression/models.js';
import type { ExpressionModel } from '../../src/expression/expression_types.js';
import { FaceDetector } from '../../src/face/face_detector.js';
import type { DetectedFace } from '../../src/face/face_types.js';
import type { RgbImage } from '../../src/image/image_types.js';
import { BrowserModels } from '../../src/runtime/browser_runtime.js';
import type { BrowserBackendChoice, BrowserBackendName } from '../../src/runtime/browser_runtime.js';
import type { StageTimes } from './frame_stats.js';
import type { SearchClient } from './search_client.js';
import type { ShownMatch } from './search_protocol.js';

/** Memes shown per face. */
export const SHOWN_MATCHES = 3;

export interface FrameResult {
  image: RgbImage;
  /** Every face found, largest first. */
  faces: DetectedFace[];
  /** The nearest memes to the largest face; empty when there is no face. */
  matches: ShownMatch[];
  times: StageTimes;
  /** The part of the search stage spent searching inside the worker (the rest is messaging), ms. */
  searchInWorker: number;
}

export interface FacePipelineOptions {
  /** Expression model by registry name, as the server's /api/info says. */
  model: string;
  /** The model id the collection's index was made with; the model must match it. */
  modelId: string;
  backend: BrowserBackendChoice;
}

export class FacePipeline {
  readonly models: BrowserModels;
  readonly options: FacePipelineOptions;
  #detector: FaceDetector;
  #model: ExpressionModel;
  readonly #search: SearchClient;

  private constructor(
    options: FacePipelineOptions,
    models: BrowserModels,
    detector: FaceDetector,
    model: ExpressionModel,
    search: SearchClient,
  ) {
    this.options = options;
    this.models = models;
    this.#detector = detector;
    this.#model = model;
    this.#search = search;
  }

  static async create(options: FacePipelineOptions, search: SearchClient): Promise<FacePipeline> {
    const models = await BrowserModels.create({ backend: options.backend });
    const detector = await FaceDetector.create(models.runtime);
    const model = await createExpressionModel(options.model, models.runtime);
    if (model.id !== options.modelId) {
      throw new MemeMirrorError(
        'INDEX_MISMATCH',
        `The collection was indexed with model ${options.modelId}, but model '${options.model}' is ${model.id}`,
      );
    }
    return new FacePipeline({ ...options }, models, detector, model, search);
  }

  get modelId(): string {
    return this.#model.id;
  }

  get backend(): BrowserBackendName {
    return this.models.backend;
  }

  /** Every face of an image with its embedding (for indexing your own memes). */
  async embedAll(image: RgbImage): Promise<{ faces: DetectedFace[]; embeddings: Float32Array[] }> {
    const faces = await this.#detector.detect(image);
    const embeddings = await this.#model.embed(image, faces);
    return { faces, embeddings };
  }

  /** Detects, embeds the largest face and finds its nearest memes, timing each stage. */
  async process(image: RgbImage, k = SHOWN_MATCHES): Promise<FrameResult> {
    const t0 = performance.now();
    const faces = await this.#detector.detect(image);
    const t1 = performance.now();
    const largest = faces[0];
    const embeddings = largest ? await this.#model.embed(image, [largest]) : [];
    const t2 = performance.now();
    const embedding = embeddings[0];
    const found = embedding ? await this.#search.request({ type: 'search', embedding, k }) : { matches: [], ms: 0 };
    const t3 = performance.now();
    return { image, faces, matches: found.matches, times: { detect: t1 - t0, embed: t2 - t1, search: t3 - t2 }, searchInWorker: found.ms };
  }

  /** Moves the models to another backend; call it between frames. */
  async setBackend(backend: BrowserBackendName): Promise<void> {
    const runtime = await this.models.setBackend(backend);
    this.#detector.close();
    this.#model.close();
    this.#detector = await FaceDetector.create(runtime);
    this.#model = await createExpressionModel(this.options.model, runtime);
  }
}
