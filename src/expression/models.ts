import { MemeMirrorError } from '../errors.js';
import type { ModelRuntime } from '../runtime/runtime_types.js';
import type { ExpressionModel } from './expression_types.js';
import { FaceApiHellinger } from './faceapi_hellinger.js';
import { MM_EXPR_MLP_DIMS, MmExprMlp } from './mm_expr_mlp.js';

/** Every expression model meme-mirror can load, by name. */
export const EXPRESSION_MODELS = Object.freeze({
  'faceapi-hellinger': {
    id: FaceApiHellinger.ID,
    dims: 7,
    description: "square roots of face-api's 7 expression probabilities (v1 baseline)",
    create: (runtime: ModelRuntime): Promise<ExpressionModel> => FaceApiHellinger.create(runtime),
  },
  'mm-expr-mlp': {
    id: MmExprMlp.ID,
    dims: MM_EXPR_MLP_DIMS,
    description: "a small head trained on face-api's inner features and the face-mesh geometry, identity pushed out (v2)",
    create: (runtime: ModelRuntime): Promise<ExpressionModel> => MmExprMlp.create(runtime),
  },
});

export type ExpressionModelName = keyof typeof EXPRESSION_MODELS;

/** The model used when none is named. */
export const DEFAULT_EXPRESSION_MODEL: ExpressionModelName = 'mm-expr-mlp';

export function isExpressionModelName(name: string): name is ExpressionModelName {
  return Object.hasOwn(EXPRESSION_MODELS, name);
}

/** Loads a model by name; an unknown name is an error that lists the valid ones. */
export function createExpressionModel(name: string, runtime: ModelRuntime): Promise<ExpressionModel> {
  if (!isExpressionModelName(name)) {
    throw new MemeMirrorError(
      'INVALID_OPTION',
      `Expected model to be one of ${Object.keys(EXPRESSION_MODELS).join(', ')}, but got '${name}'`,
    );
  }
  return EXPRESSION_MODELS[name].create(runtime);
}
