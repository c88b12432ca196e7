/**
 * Durable, atomic file writes (Node only): a temp file beside the target (`<path>.tmp-<pid>-<random>`),
 * fsync, rename over the target, fsync the folder. A process killed at any moment leaves the previous
 * file or the new one, never a mix. Used by every write that must not lose data (index, collection).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MemeMirrorError } from '../errors.js';

/** True when `error` is a Node system error with this code ("ENOENT"...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Writes `data` to `path` atomically; the temp file is removed when writing fails. NOT_FOUND if the folder is missing. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if (hasErrorCode(error, 'ENOENT')) {
      throw new MemeMirrorError('NOT_FOUND', `Cannot write ${path}: its folder does not exist`, { file: path, cause: error });
    }
    throw error;
  }
  await syncFolder(dirname(path));
}

/** Makes a rename durable. Windows cannot open a folder for fsync; there the rename is left to the OS. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
