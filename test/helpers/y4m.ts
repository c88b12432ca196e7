/**
 * Writes YUV4MPEG2 videos (C420: 8-bit 4:2:0, planes Y then U then V per frame), the format
 * Chromium's fake camera plays (--use-file-for-fake-video-capture=file.y4m), in a loop.
 */
import { open } from 'node:fs/promises';
import sharp from 'sharp';

export interface Y4mScene {
  /** An image file; it is letterboxed into the video frame on mid grey. */
  file: string;
  /** How long it stays on screen. */
  seconds: number;
}

/** The frame size and rate of the test videos (the page reads the camera at up to 640 px). */
export const VIDEO = { width: 640, height: 480, fps: 10 } as const;

/**
 * RGB (3 bytes a pixel) to Y, U and V planes, BT.601 limited range ("studio swing"), which is how
 * Chromium's fake capture tags its I420 frames; U and V are the means of each 2x2 block.
 */
export function rgbToI420(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error(`Expected an even frame size, but got ${width}x${height}`);
  const ySize = width * height;
  const cSize = ySize / 4;
  const out = new Uint8Array(ySize + 2 * cSize);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let i = 0; i < ySize; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    out[i] = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let cy = 0; cy < height / 2; cy++) {
    for (let cx = 0; cx < width / 2; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = 3 * ((2 * cy + dy) * width + 2 * cx + dx);
        r += rgb[p]!;
        g += rgb[p + 1]!;
        b += rgb[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const c = cy * (width / 2) + cx;
      out[ySize + c] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[ySize + cSize + c] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

/** One scene's frame: the image letterboxed into VIDEO's size, as raw RGB. */
export async function sceneFrame(file: string): Promise<Uint8Array> {
  const { data } = await sharp(file)
    .resize(VIDEO.width, VIDEO.height, { fit: 'contain', background: { r: 128, g: 128, b: 128 } })
    .flatten({ background: '#808080' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Writes the scenes, one after another, as a y4m video at VIDEO's size and rate. Returns the frame count. */
export async function writeY4m(path: string, scenes: readonly Y4mScene[]): Promise<number> {
  const handle = await open(path, 'w');
  let frames = 0;
  try {
    await handle.write(`YUV4MPEG2 W${VIDEO.width} H${VIDEO.height} F${VIDEO.fps}:1 Ip A1:1 C420\n`);
    for (const scene of scenes) {
      const yuv = rgbToI420(await sceneFrame(scene.file), VIDEO.width, VIDEO.height);
      const count = Math.round(scene.seconds * VIDEO.fps);
      for (let i = 0; i < count; i++) {
        await handle.write('FRAME\n');
        await handle.write(yuv);
        frames++;
      }
    }
  } finally {
    await handle.close();
  }
  return frames;
}
