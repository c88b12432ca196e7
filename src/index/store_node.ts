/**
 * Node-only adapter: reads and atomically writes index files. Everything else in src/index/ runs in a
 * browser or Web Worker too.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MemeMirrorError } from '../errors.js';
import { decodeIndex, encodeIndex } from './format.js';
import type { DecodeExpectations } from './format.js';
import type { MemeIndex } from './memory_index.js';

/**
 * Reads and decodes an index file. Throws NOT_FOUND if it does not exist, and what `decodeIndex` throws
 * (messages name the file unless `expect.source` says otherwise).
 */
export async function readIndexFile(path: string, expect: DecodeExpectations = {}): Promise<MemeIndex> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new MemeMirrorError('NOT_FOUND', `Index file ${path} does not exist`, { file: path, cause: error });
    }
    throw error;
  }
  return decodeIndex(bytes, { ...expect, source: expect.source ?? path });
}

/**
 * Writes an index file atomically: encodes it, writes a temp file beside the target
 * (`<path>.tmp-<pid>-<random>`), fsyncs it, renames it over the target, then fsyncs the folder.
 * A process killed at any moment leaves either the previous file or the new one, never a mix; the
 * temp file is removed when writing fails (not when the process is killed). Throws NOT_FOUND if the
 * folder does not exist.
 */
export async function writeIndexFile(path: string, index: MemeIndex): Promise<void> {
  const bytes = await encodeIndex(index);
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    if (isErrno(error, 'ENOENT')) {
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

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
