// Browser adapter: decodes images with createImageBitmap and reads pixels through a 2D canvas.
// Node decodes with sharp instead (decode_node.ts); both return the same RgbImage.
import { MemeMirrorError, describeError } from '../errors.js';
import { resolveDecodeOptions } from './decode_options.js';
import type { DecodeOptions } from './decode_options.js';
import type { RgbImage } from './image_types.js';

export interface BrowserDecodeOptions extends DecodeOptions {
  /**
   * Scale the image down (keeping its aspect) so its longer side is at most this many pixels.
   * Defaults to Infinity: the pixels as decoded, like the Node decoder.
   */
  maxSide?: number;
  /** What errors call the image. Defaults to '<image>'. */
  name?: string;
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** A 2D context to read pixels from: an OffscreenCanvas where there is one (workers too), else a canvas element. */
function context2d(width: number, height: number): Canvas2D {
  if (typeof OffscreenCanvas !== 'undefined') {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (ctx) return ctx;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new MemeMirrorError('CORRUPT_IMAGE', 'This browser cannot draw images to a canvas');
  return ctx;
}

/** RGBA pixels (ImageData's layout) to the RgbImage layout: drops alpha, keeps rows top to bottom. */
export function rgbFromRgba(rgba: ArrayLike<number>, width: number, height: number): RgbImage {
  if (rgba.length !== width * height * 4) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected ${width} x ${height} x 4 = ${width * height * 4} RGBA bytes, but got ${rgba.length}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    data[i] = rgba[j]!;
    data[i + 1] = rgba[j + 1]!;
    data[i + 2] = rgba[j + 2]!;
  }
  return { data, width, height };
}

/** The size an image of `width` x `height` is read at so its longer side is at most `maxSide`. */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Reads the pixels of anything a canvas can draw (a video frame, an ImageBitmap, an image element)
 * at `width` x `height`. Transparent pixels come out over white, the page most memes are drawn on.
 * Pass `ctx` to reuse one canvas across frames (it is resized when needed).
 */
export function rgbFromSource(source: CanvasImageSource, width: number, height: number, ctx?: Canvas2D): RgbImage {
  const c = ctx ?? context2d(width, height);
  if (c.canvas.width !== width || c.canvas.height !== height) {
    c.canvas.width = width;
    c.canvas.height = height;
  }
  c.fillStyle = '#ffffff';
  c.fillRect(0, 0, width, height);
  c.drawImage(source, 0, 0, width, height);
  return rgbFromRgba(c.getImageData(0, 0, width, height).data, width, height);
}

/**
 * Decodes an encoded image (a File, a Blob from the clipboard or IndexedDB) to 8-bit RGB with its
 * EXIF orientation applied. Throws MemeMirrorError: NOT_AN_IMAGE, IMAGE_TOO_LARGE or INVALID_OPTION.
 */
export async function decodeImageBlob(blob: Blob, options: BrowserDecodeOptions = {}): Promise<RgbImage> {
  const { name = '<image>', maxSide = Number.POSITIVE_INFINITY, ...decodeOptions } = options;
  const { maxPixels } = resolveDecodeOptions(decodeOptions);
  if (!(maxSide >= 1)) throw new MemeMirrorError('INVALID_OPTION', `Expected maxSide to be a number >= 1, but got ${maxSide}`);
  if (blob.size === 0) {
    throw new MemeMirrorError('NOT_AN_IMAGE', `Cannot decode ${name}: expected an image, but got an empty file (0 bytes)`, { file: name });
  }
  let bitmap: ImageBitmap;
  try {
    // The stored pixels, as sharp reads them in Node: no gamma or colour-profile conversion (a PNG's
    // gAMA chunk alone moved a Yale face's distances by 10%).
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none' });
  } catch (error) {
    throw new MemeMirrorError(
      'NOT_AN_IMAGE',
      `Cannot decode ${name}: expected an image this browser reads (JPEG, PNG, WebP, GIF), but got ${blob.type || 'unknown data'} (${describeError(error)})`,
      { file: name, cause: error },
    );
  }
  try {
    const pixels = bitmap.width * bitmap.height;
    if (pixels > maxPixels) {
      throw new MemeMirrorError(
        'IMAGE_TOO_LARGE',
        `Cannot decode ${name}: ${bitmap.width} x ${bitmap.height} = ${pixels} pixels is more than the limit of ${maxPixels}`,
        { file: name },
      );
    }
    const size = fitSize(bitmap.width, bitmap.height, maxSide);
    return rgbFromSource(bitmap, size.width, size.height);
  } finally {
    bitmap.close();
  }
}
