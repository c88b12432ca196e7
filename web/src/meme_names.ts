/** Readable names and URLs of memes from their paths. */
import { YOURS_PREFIX } from './search_protocol.js';

/** '10-Guy.jpg' -> '10 Guy'; 'yours/cat_face.png' -> 'cat face'. */
export function titleFromPath(path: string): string {
  const name = path.split('/').pop() ?? path;
  const stem = name.replace(/\.[a-z0-9]+$/i, '');
  return stem.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim() || name;
}

/** A name from the collection's index.csv, made readable: '10-Guy' -> '10 Guy'; 'Ancient Aliens Guy' stays. */
export function prettyTitle(name: string): string {
  return /\s/.test(name.trim()) ? name.trim() : name.replace(/[-_]+/g, ' ').trim() || name;
}

/** A collection path as a URL path: each segment percent-encoded, '/' kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function isYours(path: string): boolean {
  return path.startsWith(YOURS_PREFIX);
}

/** The file name a meme is downloaded or shared under. */
export function downloadName(path: string): string {
  return path.split('/').pop() || 'meme';
}
