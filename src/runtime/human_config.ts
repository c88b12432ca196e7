/**
 * human's configuration for meme-mirror: only the face detector (BlazeFace) and the face mesh run;
 * every other model human ships stays off. Per-call settings (face count, confidence) are passed
 * to `human.detect()` by the face stage.
 */
export const HUMAN_FACE_CONFIG = {
  debug: false,
  cacheModels: false,
  async: true,
  warmup: 'none',
  // Every image stands alone: no reuse of an earlier frame's boxes (human's video cache).
  cacheSensitivity: 0,
  filter: { enabled: false },
  gesture: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
  face: {
    enabled: true,
    detector: { enabled: true, rotation: false, skipFrames: 0, skipTime: 0, maxDetected: 20, minConfidence: 0.2, iouThreshold: 0.1, return: false, mask: false },
    mesh: { enabled: true, skipFrames: 0, skipTime: 0 },
    attention: { enabled: false },
    iris: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
} as const;
