/**
 * Node-only adapter: reads and atomically writes index files. Everything else in src/index/ runs in a
 * browser or Web Worker too.
 */
import { readFile } from 'node:fs/promises';
import { MemeMirrorError } from '../errors.js';
import { hasErrorCode, writeFileAtomic } from '../util/atomic_file_node.js';
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
    if (hasErrorCode(error, 'ENOENT')) {
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
  await writeFileAtomic(path, await encodeIndex(index));
}
