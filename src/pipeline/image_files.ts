import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { MemeMirrorError } from '../errors.js';

/** File endings read as images when a folder is walked. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff']);

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

/**
 * The images named by a command line, in the order given: a file stays as given (even a missing
 * or odd one, so that its error is reported in its place); a folder becomes its images, sorted,
 * joined to the folder as given. Nothing is thrown: a folder that cannot be read is an entry
 * with an error.
 */
export async function expandInputs(paths: readonly string[]): Promise<{ path: string; error?: string }[]> {
  const out: { path: string; error?: string }[] = [];
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push({ path: given });
      continue;
    }
    try {
      const root = resolve(given);
      for (const image of await listImages([given])) out.push({ path: join(given, image.slice(root.length + 1)) });
    } catch (error) {
      out.push({ path: given, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/**
 * Absolute paths of the images in the given files and folders (folders walked recursively,
 * hidden entries skipped), sorted and without duplicates. A path that does not exist is an error.
 * A file named explicitly is kept whatever its ending, so that a bad one is reported, not ignored.
 */
export async function listImages(paths: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && isImagePath(entry.name)) found.add(path);
    }
  }
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch((error: unknown) => {
      throw new MemeMirrorError('NOT_FOUND', `${given} does not exist`, { file: given, cause: error });
    });
    if (info.isDirectory()) await walk(path);
    else found.add(path);
  }
  return [...found].sort();
}
