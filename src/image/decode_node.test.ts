import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { isMemeMirrorError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { dataPath } from '../../test/helpers/data.js';
import { decodeImageBuffer, decodeImageFile } from './decode_node.js';
import type { RgbImage } from './image_types.js';

const SEED = dataPath('memes/imgflip-seed');
const MEMEGEN = dataPath('memes/memegen');
const YALE = dataPath('expressions/yale');
const MUXSPACE = dataPath('expressions/muxspace');

/** A real photo (500x454 JPEG) that the generated variants start from. */
const PHOTO = '10-Guy.jpg';
/** Per-channel means of PHOTO decoded by libjpeg-turbo; the tolerance covers decoder versions. */
const PHOTO_MEANS = [130.59, 104.612, 90.95];
const MEANS_EPS = 0.5;
/** Mean absolute difference (0..255) allowed between two lossy JPEG encodings of the same picture. */
const JPEG_EPS = 2;
/** The same through CMYK and back: two colour conversions on top of the JPEG loss (measured 6.6). */
const CMYK_EPS = 12;
/** A header read takes milliseconds; decoding the bomb's 10^10 pixels would take minutes or run out of memory. */
const HEADER_ONLY_MS = 1_000;

function inData(folder: string | undefined, file: string): string {
  assert.ok(folder, 'shared data folder is absent');
  return join(folder, file);
}

/** The reference: sharp's own RGB decode, to compare our output against. */
async function sharpRgb(input: string | Buffer | sharp.Sharp): Promise<RgbImage> {
  const image = typeof input === 'string' || Buffer.isBuffer(input) ? sharp(input) : input;
  const { data, info } = await image.flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({
    resolveWithObject: true,
  });
  return { data, width: info.width, height: info.height };
}

function assertWellFormed(image: RgbImage, width: number, height: number): void {
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  assert.equal(image.data.length, width * height * 3);
  assert.equal(Object.getPrototypeOf(image.data), Uint8Array.prototype, 'a plain Uint8Array, not a Node Buffer');
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function channelMeans({ data, width, height }: RgbImage): number[] {
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sums[i % 3]! += data[i]!;
  return sums.map((sum) => sum / (width * height));
}

/** Asserts a MemeMirrorError with this code, about this file, whose message names the file and matches. */
async function assertFails(promise: Promise<unknown>, code: ErrorCode, file: string, ...patterns: RegExp[]) {
  await assert.rejects(promise, (error) => {
    assert.ok(isMemeMirrorError(error), `expected a MemeMirrorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.file, file);
    assert.ok(error.message.includes(file), `message names the file: ${error.message}`);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

// PNG chunk CRC (ISO 3309 / PNG spec annex D), written out since zlib.crc32 needs Node >= 20.15.
function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A valid PNG header claiming width x height RGB pixels, followed by a few hundred bytes of pixel data. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1_000))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

let tmp = '';
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'meme-mirror-image-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('decodeImageFile on real images', () => {
  const firstWebp = () => {
    assert.ok(MUXSPACE);
    const file = readdirSync(MUXSPACE, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.webp'));
    assert.ok(file, `no .webp under ${MUXSPACE}`);
    return join(MUXSPACE, file);
  };
  const formats: ReadonlyArray<[title: string, folder: string | undefined, path: () => string, format: string]> = [
    ['a JPEG', SEED, () => inData(SEED, PHOTO), 'jpeg'],
    ['an RGB PNG', MEMEGEN, () => inData(MEMEGEN, 'astronaut-default.png'), 'png'],
    ['a greyscale PNG', MEMEGEN, () => inData(MEMEGEN, 'feelsgood-default.png'), 'png'],
    ['a JPEG named .png (the content decides)', MEMEGEN, () => inData(MEMEGEN, 'iw-default.png'), 'jpeg'],
    ['a WebP', MUXSPACE, firstWebp, 'webp'],
    ['a greyscale face', YALE, () => inData(YALE, 'happy/subject02.happy.png'), 'png'],
  ];
  for (const [title, folder, path, format] of formats) {
    it(`decodes ${title} to 8-bit RGB of its header's size`, { skip: !folder }, async () => {
      const header = await sharp(path()).metadata();
      assert.equal(header.format, format);
      const image = await decodeImageFile(path());
      assertWellFormed(image, header.width, header.height);
      assert.equal(maxAbsDiff(image.data, (await sharpRgb(path())).data), 0);
    });
  }

  it('gives golden channel means for a JPEG', { skip: !SEED }, async () => {
    const means = channelMeans(await decodeImageFile(inData(SEED, PHOTO)));
    means.forEach((mean, c) => assert.ok(Math.abs(mean - PHOTO_MEANS[c]!) <= MEANS_EPS, `channel ${c}: ${mean}`));
  });

  it('expands greyscale to r == g == b', { skip: !YALE }, async () => {
    const { data } = await decodeImageFile(inData(YALE, 'happy/subject02.happy.png'));
    for (let i = 0; i < data.length; i += 3) {
      assert.ok(data[i] === data[i + 1] && data[i] === data[i + 2], `pixel ${i / 3}`);
    }
  });

  it('decodes only the first frame of an animated GIF', { skip: !MEMEGEN }, async () => {
    const path = inData(MEMEGEN, 'buzz-default.gif');
    const header = await sharp(path).metadata();
    assert.equal(header.format, 'gif');
    assert.ok((header.pages ?? 1) > 1, `animated: ${header.pages} pages`);
    const frameHeight = header.pageHeight ?? header.height;

    const image = await decodeImageFile(path);
    assertWellFormed(image, header.width, frameHeight);
    // Independently: decode every frame as one tall strip and take the top frame.
    const strip = await sharpRgb(sharp(path, { pages: -1 }));
    assert.equal(strip.height, frameHeight * (header.pages ?? 1));
    assert.equal(maxAbsDiff(image.data, strip.data.subarray(0, image.data.length)), 0);
  });

  it('gives the same pixels from a file and from its bytes', { skip: !SEED }, async () => {
    const path = inData(SEED, PHOTO);
    const fromFile = await decodeImageFile(path);
    const fromBuffer = await decodeImageBuffer(await readFile(path), { name: path });
    assert.deepEqual(fromBuffer, fromFile);
  });
});

describe('decodeImageFile on generated variants of a real image', { skip: !SEED }, () => {
  let source = '';
  let reference: RgbImage = { data: new Uint8Array(), width: 0, height: 0 };
  before(async () => {
    if (!SEED) return;
    source = inData(SEED, PHOTO);
    reference = await sharpRgb(source);
  });

  it('converts a CMYK JPEG to RGB', async () => {
    const path = join(tmp, 'cmyk.jpg');
    await sharp(source).toColourspace('cmyk').jpeg().toFile(path);
    const header = await sharp(path).metadata();
    assert.equal(header.space, 'cmyk');
    assert.equal(header.channels, 4);
    const image = await decodeImageFile(path);
    assertWellFormed(image, reference.width, reference.height);
    const diff = meanAbsDiff(image.data, reference.data);
    assert.ok(diff < CMYK_EPS, `mean abs diff ${diff}`);
  });

  it('reduces a 16-bit PNG to 8 bits', async () => {
    const path = join(tmp, 'rgb16.png');
    await sharp(source).toColourspace('rgb16').png().toFile(path);
    assert.equal((await sharp(path).metadata()).depth, 'ushort');
    const image = await decodeImageFile(path);
    assertWellFormed(image, reference.width, reference.height);
    assert.ok(maxAbsDiff(image.data, reference.data) <= 1);
  });

  it('applies EXIF orientation 6 (rotate 90° clockwise)', async () => {
    const path = join(tmp, 'orientation6.jpg');
    await sharp(source).withMetadata({ orientation: 6 }).jpeg().toFile(path);
    const header = await sharp(path).metadata();
    assert.equal(header.orientation, 6);
    assert.deepEqual([header.width, header.height], [reference.width, reference.height]);

    const image = await decodeImageFile(path);
    assertWellFormed(image, reference.height, reference.width);
    const clockwise = await sharpRgb(sharp(source).rotate(90));
    const anticlockwise = await sharpRgb(sharp(source).rotate(-90));
    const diff = meanAbsDiff(image.data, clockwise.data);
    assert.ok(diff < JPEG_EPS, `mean abs diff to the clockwise reference ${diff}`);
    assert.ok(meanAbsDiff(image.data, anticlockwise.data) > 10 * JPEG_EPS, 'the other way round is far off');
  });

  it('flattens alpha onto white', async () => {
    // Left third fully transparent, middle third half transparent, right third opaque.
    const { width, height, data: rgb } = reference;
    const rgba = Buffer.alloc(width * height * 4);
    const alphaAt = (x: number) => (x < width / 3 ? 0 : x < (2 * width) / 3 ? 128 : 255);
    for (let p = 0; p < width * height; p++) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = alphaAt(p % width);
    }
    const path = join(tmp, 'alpha.png');
    await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toFile(path);
    assert.equal((await sharp(path).metadata()).hasAlpha, true);

    const image = await decodeImageFile(path);
    assertWellFormed(image, width, height);
    for (let i = 0; i < image.data.length; i++) {
      const alpha = alphaAt(Math.floor(i / 3) % width);
      const expected = (rgb[i]! * alpha + 255 * (255 - alpha)) / 255;
      assert.ok(Math.abs(image.data[i]! - expected) <= 1, `byte ${i}: ${image.data[i]} vs ${expected}`);
    }
  });

  it('reads a file rewritten in place afresh (no stale libvips file cache)', async () => {
    const path = join(tmp, 'rewritten.png');
    await sharp(source).png().toFile(path);
    assert.equal(maxAbsDiff((await decodeImageFile(path)).data, reference.data), 0);
    await sharp(source).negate().png().toFile(path);
    const negated = await sharpRgb(sharp(source).negate());
    assert.equal(maxAbsDiff((await decodeImageFile(path)).data, negated.data), 0);
  });

  for (const format of ['jpeg', 'png'] as const) {
    it(`refuses a truncated ${format.toUpperCase()} (first half of its bytes) as CORRUPT_IMAGE`, async () => {
      const whole = await sharp(source).toFormat(format).toBuffer();
      const path = join(tmp, `truncated.${format}`);
      await writeFile(path, whole.subarray(0, whole.length / 2));
      // Its header is intact, so the failure comes from the decode itself (failOn), not the header check.
      assert.equal((await sharp(path).metadata()).width, reference.width);
      await assertFails(decodeImageFile(path), 'CORRUPT_IMAGE', path, /truncated or corrupt/, new RegExp(format));
    });
  }

  it('refuses a JPEG with garbage in the middle as CORRUPT_IMAGE', async () => {
    const bytes = Buffer.from(await readFile(source));
    const start = Math.floor(bytes.length / 2);
    for (let i = start; i < start + 200; i++) bytes[i] = (i * 7919) & 0xff;
    const path = join(tmp, 'garbage.jpg');
    await writeFile(path, bytes);
    await assertFails(decodeImageFile(path), 'CORRUPT_IMAGE', path, /truncated or corrupt/);
  });

  it('accepts exactly maxPixels and refuses one pixel more', async () => {
    const pixels = reference.width * reference.height;
    assertWellFormed(await decodeImageFile(source, { maxPixels: pixels }), reference.width, reference.height);
    await assertFails(
      decodeImageFile(source, { maxPixels: pixels - 1 }),
      'IMAGE_TOO_LARGE',
      source,
      new RegExp(`at most ${pixels - 1} pixels, but its header says ${reference.width}x${reference.height}`),
    );
  });
});

describe('decodeImageFile errors', () => {
  it('says NOT_FOUND for a missing file', async () => {
    const path = join(tmp, 'missing.jpg');
    await assertFails(decodeImageFile(path), 'NOT_FOUND', path, /no file exists/);
  });

  it('says NOT_AN_IMAGE for a text file named .jpg, quoting its start', async () => {
    const path = join(tmp, 'x.jpg');
    await writeFile(path, 'this is not an image at all\n');
    await assertFails(decodeImageFile(path), 'NOT_AN_IMAGE', path, /expected a JPEG, PNG/, /"this is not an i"/);
  });

  it('says NOT_AN_IMAGE for an empty file', async () => {
    const path = join(tmp, 'empty.png');
    await writeFile(path, '');
    await assertFails(decodeImageFile(path), 'NOT_AN_IMAGE', path, /empty file \(0 bytes\)/);
  });

  it('says NOT_AN_IMAGE for a directory', async () => {
    const path = join(tmp, 'folder.jpg');
    await mkdir(path);
    await assertFails(decodeImageFile(path), 'NOT_AN_IMAGE', path, /got a directory/);
  });

  it('says NOT_AN_IMAGE for an image format we do not decode (SVG)', async () => {
    const path = join(tmp, 'drawing.svg');
    await writeFile(path, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await assertFails(decodeImageFile(path), 'NOT_AN_IMAGE', path, /unsupported format svg/);
  });

  it('refuses a decompression bomb as IMAGE_TOO_LARGE from its header alone', async () => {
    const path = join(tmp, 'bomb.png');
    await writeFile(path, pngBomb(100_000, 100_000));
    const started = performance.now();
    // The bomb's pixel data is far too short, so a decode would have said CORRUPT_IMAGE: this code shows that
    // nothing was decoded.
    await assertFails(decodeImageFile(path), 'IMAGE_TOO_LARGE', path, /100000x100000 = 10000000000/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < HEADER_ONLY_MS, `took ${elapsed} ms`);
  });

  it('checks the options before touching the file', async () => {
    await assert.rejects(decodeImageFile(join(tmp, 'missing.jpg'), { maxPixels: 0 }), (error) =>
      isMemeMirrorError(error, 'INVALID_OPTION'),
    );
  });
});

describe('decodeImageBuffer', () => {
  it("calls the bytes '<buffer>' in errors by default", async () => {
    await assertFails(decodeImageBuffer(new Uint8Array([0, 1, 2, 0xff])), 'NOT_AN_IMAGE', '<buffer>', /00 01 02 ff/);
  });

  it('uses the given name in errors', async () => {
    const bomb = pngBomb(100_000, 100_000);
    await assertFails(decodeImageBuffer(bomb, { name: 'upload.png' }), 'IMAGE_TOO_LARGE', 'upload.png');
    await assertFails(decodeImageBuffer(new Uint8Array(), { name: 'upload.png' }), 'NOT_AN_IMAGE', 'upload.png');
  });

  it('honours maxPixels', async () => {
    const small = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const image = await decodeImageBuffer(small, { maxPixels: 12 });
    assertWellFormed(image, 4, 3);
    assert.deepEqual([...image.data.subarray(0, 3)], [255, 0, 0]);
    await assertFails(decodeImageBuffer(small, { maxPixels: 11, name: 'red.png' }), 'IMAGE_TOO_LARGE', 'red.png');
  });

  it('rejects a bad option', async () => {
    await assert.rejects(decodeImageBuffer(new Uint8Array(), { maxPixels: -1 }), (error) =>
      isMemeMirrorError(error, 'INVALID_OPTION'),
    );
  });
});
