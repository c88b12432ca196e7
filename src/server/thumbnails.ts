/** Small previews of meme images for the page, made once with sharp and kept in the cache folder. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { MemeMirrorError, describeError } from '../errors.js';

/** Longer side of a thumbnail, in pixels: sharp on a phone's 3-column layout and a desktop card. */
export const THUMB_SIDE = 320;
const THUMB_QUALITY = 80;

export class Thumbnails {
  readonly dir: string;
  readonly #making = new Map<string, Promise<Buffer>>();

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'thumbs');
  }

  /** The JPEG thumbnail of `file`, whose content has SHA-256 `sha256` (the cache key). */
  get(file: string, sha256: string): Promise<Buffer> {
    const key = `${sha256}-${THUMB_SIDE}`;
    let making = this.#making.get(key);
    if (!making) {
      making = this.#get(file, join(this.dir, `${key}.jpg`)).finally(() => this.#making.delete(key));
      this.#making.set(key, making);
    }
    return making;
  }

  async #get(file: string, cached: string): Promise<Buffer> {
    const kept = await readFile(cached).catch(() => undefined);
    if (kept) return kept;
    let thumb: Buffer;
    try {
      thumb = await sharp(await readFile(file), { pages: 1, limitInputPixels: 100_000_000 })
        .rotate()
        .flatten({ background: '#ffffff' })
        .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: THUMB_QUALITY, mozjpeg: true })
        .toBuffer();
    } catch (error) {
      throw new MemeMirrorError('CORRUPT_IMAGE', `Cannot make a thumbnail of ${file}: ${describeError(error)}`, { file, cause: error });
    }
    // Best effort: a cache that cannot be written costs a resize next time, nothing more.
    const temp = `${cached}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(this.dir, { recursive: true })
      .then(() => writeFile(temp, thumb))
      .then(() => rename(temp, cached))
      .catch(() => rm(temp, { force: true }));
    return thumb;
  }
}
