export { FaceDetector } from './face_detector.js';
export { FACE_DETECTOR_DEFAULTS, resolveFaceDetectorOptions } from './face_detector_options.js';
export type { FaceDetectorOptions, ResolvedFaceDetectorOptions } from './face_detector_options.js';
export type { Box, DetectedFace, Point3 } from './face_types.js';
