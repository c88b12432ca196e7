// The image stage. decode_node.ts needs Node (sharp): browser code imports image_types.ts directly.
export type { RgbImage } from './image_types.js';
export type { DecodeOptions, ResolvedDecodeOptions } from './decode_options.js';
export { DEFAULT_DECODE_OPTIONS, resolveDecodeOptions } from './decode_options.js';
export { decodeImageBuffer, decodeImageFile } from './decode_node.js';
