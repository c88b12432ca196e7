import type { DetectedFace } from '../face/face_types.js';
import type { RgbImage } from '../image/image_types.js';

/**
 * The whole image as one face, for face crops the detector cannot find a face in (48x48 sets such
 * as FER2013 and CK+48). No landmarks; score 0 marks it as not detected.
 */
export function wholeImageFace(image: RgbImage): DetectedFace {
  return {
    box: [0, 0, image.width, image.height],
    boxRaw: [0, 0, 1, 1],
    score: 0,
    landmarks: [],
    padded: false,
  };
}
