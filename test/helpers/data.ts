import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Root of the shared data: $MEME_MIRROR_DATA, else ../shared/data beside the project. */
export const DATA_DIR = resolve(
  process.env['MEME_MIRROR_DATA'] ?? new URL('../../../shared/data', import.meta.url).pathname,
);

/**
 * Path of a folder in the shared data, or undefined (with a loud message) when it is truly absent.
 * Use as `{ skip: !dataPath('memes/imgflip-seed') }` or check the result.
 */
export function dataPath(sub: string): string | undefined {
  const path = resolve(DATA_DIR, sub);
  if (existsSync(path)) return path;
  console.error(`\n!!! SKIPPING: shared data folder ${path} is absent (set MEME_MIRROR_DATA to its location) !!!\n`);
  return undefined;
}
