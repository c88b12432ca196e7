/** The camera: asking for it, and saying plainly why it is not there. */

/** Frame size asked of the camera (it may give another); detection needs no more. */
export const CAMERA_IDEAL = { width: 640, height: 480 } as const;

export class CameraError extends Error {
  override readonly name = 'CameraError';
  /** The DOMException name, or 'Unsupported' / 'Insecure'. */
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** What to tell the user when the camera cannot be had; each message ends with the way on. */
export function cameraErrorMessage(reason: string): string {
  const upload = 'You can still use a photo: choose one with "Use a photo…", or paste one.';
  switch (reason) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Camera access was refused. To use it, allow the camera for this site in your browser's settings and reload. ${upload}`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found on this device. ${upload}`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera is busy or could not start (another app may be using it). ${upload}`;
    case 'Insecure':
      return `The camera works only on https:// or http://localhost pages. ${upload}`;
    case 'Unsupported':
      return `This browser gives no access to a camera. ${upload}`;
    default:
      return `The camera could not start (${reason}). ${upload}`;
  }
}

/** Asks for the front camera (video only) and plays it in `video`. Throws CameraError. */
export async function startCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError(window.isSecureContext ? 'Unsupported' : 'Insecure', cameraErrorMessage(window.isSecureContext ? 'Unsupported' : 'Insecure'));
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: CAMERA_IDEAL.width }, height: { ideal: CAMERA_IDEAL.height } },
    });
  } catch (error) {
    const reason = error instanceof DOMException ? error.name : 'Error';
    throw new CameraError(reason, cameraErrorMessage(reason), { cause: error });
  }
  video.srcObject = stream;
  await video.play();
  if (video.videoWidth === 0) {
    await new Promise<void>((resolve) => video.addEventListener('loadedmetadata', () => resolve(), { once: true }));
  }
  return stream;
}

export function stopCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * Calls `onFrame` for every new video frame (requestVideoFrameCallback where there is one, else
 * animation frames) until the returned function is called. `presented` counts the frames the
 * video has shown, where the browser says (a busy page is called back for fewer of them).
 */
export function everyVideoFrame(video: HTMLVideoElement, onFrame: (presented?: number) => void): () => void {
  let stopped = false;
  if ('requestVideoFrameCallback' in video) {
    const tick = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      if (stopped) return;
      onFrame(metadata.presentedFrames);
      video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  } else {
    const tick = () => {
      if (stopped) return;
      onFrame();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  return () => {
    stopped = true;
  };
}
