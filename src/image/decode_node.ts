// Node adapter: decodes image files with sharp (libvips). Browser code decodes with createImageBitmap instead.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { MemeMirrorError, describeError } from '../errors.js';
import { resolveDecodeOptions } from './decode_options.js';
import type { DecodeOptions, ResolvedDecodeOptions } from './decode_options.js';
import type { RgbImage } from './image_types.js';

/** The formats we decode, as sharp's `metadata().format` names them. */
const SUPPORTED_FORMATS: readonly string[] = Object.freeze(['jpeg', 'png', 'webp', 'gif', 'tiff']);
const EXPECTED = 'a JPEG, PNG, WebP, GIF or TIFF image';
/** Transparent pixels are flattened onto white, the page most memes are drawn on. */
const BACKGROUND = '#ffffff';
/** How many leading bytes a "not an image" message shows. */
const HEAD_BYTES = 16;

/**
 * Decodes an image file to 8-bit RGB with its EXIF orientation applied (the first frame of an animation).
 * Throws MemeMirrorError: NOT_FOUND, NOT_AN_IMAGE, CORRUPT_IMAGE, IMAGE_TOO_LARGE or INVALID_OPTION.
 */
export async function decodeImageFile(path: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const resolved = resolveDecodeOptions(options);
  // Read the bytes ourselves rather than hand sharp the path: libvips caches files by path and would serve
  // the old pixels of a file rewritten in place (lovell/sharp#1984).
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new MemeMirrorError('NOT_FOUND', `Cannot decode ${path}: expected ${EXPECTED}, but no file exists there`, {
        file: path,
        cause: error,
      });
    }
    if (code === 'EISDIR') {
      throw new MemeMirrorError('NOT_AN_IMAGE', `Cannot decode ${path}: expected ${EXPECTED}, but got a directory`, {
        file: path,
        cause: error,
      });
    }
    throw error;
  }
  return decode(bytes, path, resolved);
}

/** Like `decodeImageFile()` for bytes already in memory; `name` is what errors call them (default '<buffer>'). */
export async function decodeImageBuffer(
  buffer: Uint8Array,
  options: DecodeOptions & { name?: string } = {},
): Promise<RgbImage> {
  const { name = '<buffer>', ...decodeOptions } = options;
  return decode(buffer, name, resolveDecodeOptions(decodeOptions));
}

async function decode(bytes: Uint8Array, name: string, { maxPixels }: ResolvedDecodeOptions): Promise<RgbImage> {
  const fail = (code: 'NOT_AN_IMAGE' | 'CORRUPT_IMAGE' | 'IMAGE_TOO_LARGE', problem: string, cause?: unknown) =>
    new MemeMirrorError(code, `Cannot decode ${name}: ${problem}`, { file: name, cause });

  if (bytes.length === 0) throw fail('NOT_AN_IMAGE', `expected ${EXPECTED}, but got an empty file (0 bytes)`);

  // The header only: metadata() decompresses no pixel data, so a bomb costs nothing here. No sharp limit on
  // this probe, so that a refusal can say the size the header claims.
  let header: Metadata;
  try {
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = describeError(error);
    if (message.includes('unsupported image format')) {
      throw fail('NOT_AN_IMAGE', `expected ${EXPECTED}, but got ${describeHead(bytes)}`, error);
    }
    throw fail('CORRUPT_IMAGE', `expected a readable image header, but it is corrupt (${message})`, error);
  }
  if (!SUPPORTED_FORMATS.includes(header.format)) {
    throw fail('NOT_AN_IMAGE', `expected ${EXPECTED}, but got an image in the unsupported format ${header.format}`);
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw fail(
      'IMAGE_TOO_LARGE',
      `expected at most ${maxPixels} pixels, but its header says ${header.width}x${header.height} = ${pixels}`,
    );
  }

  try {
    const { data, info } = await sharp(bytes, {
      // sharp's default, made explicit: the strictest level, the only one that catches a JPEG damaged mid-file
      // (libjpeg calls that a warning); truncated files fail from 'truncated' up. All 41k shared files pass.
      failOn: 'warning',
      limitInputPixels: maxPixels, // a second guard, should the header and the decoder ever disagree
      pages: 1, // the first frame of an animation
    })
      .rotate() // apply the EXIF orientation
      .flatten({ background: BACKGROUND })
      .toColourspace('srgb') // 3 sRGB channels from greyscale or CMYK (flatten alone happens to do it too)
      .raw({ depth: 'uchar' }) // 16-bit to 8-bit
      .toBuffer({ resolveWithObject: true });
    // A plain Uint8Array view of sharp's Buffer (no copy), so the result carries no Node type.
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    const message = describeError(error);
    if (message.includes('exceeds pixel limit')) {
      throw fail('IMAGE_TOO_LARGE', `expected at most ${maxPixels} pixels, but the decoder found more`, error);
    }
    throw fail(
      'CORRUPT_IMAGE',
      `expected complete ${header.format} data for ${header.width}x${header.height} pixels, ` +
        `but it is truncated or corrupt (${message})`,
      error,
    );
  }
}

/** "26 bytes of text starting "hello…"" or "9 bytes starting 00 01 …", for a "not an image" message. */
function describeHead(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, HEAD_BYTES));
  const text = head.toString('latin1');
  return /^[\x20-\x7e\t\r\n]*$/.test(text)
    ? `${bytes.length} bytes of text starting ${JSON.stringify(text)}`
    : `${bytes.length} bytes starting ${head.toString('hex').replace(/(..)(?!$)/g, '$1 ')}`;
}
