export { EXPRESSION_MODELS, DEFAULT_EXPRESSION_MODEL, createExpressionModel } from './models.js';
export type { ExpressionModelName } from './models.js';
export type { ExpressionModel } from './expression_types.js';
export { FACEAPI_EXPRESSIONS } from './faceapi_features.js';
