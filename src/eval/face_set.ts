import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemeMirrorError, describeError } from '../errors.js';
import { canonicalLabel } from './labels.js';

/** One labelled face image of a face set. */
export interface FaceSetEntry {
  /** Path of the image (the folder joined with the `file` column). */
  path: string;
  /** As written in index.csv, relative to the folder. */
  file: string;
  /** Canonical label (labels.ts). */
  label: string;
  /** The label as written in index.csv. */
  rawLabel: string;
  /** Who the face belongs to; '' where the set does not say. */
  identity: string;
}

export interface FaceSet {
  folder: string;
  /** The folder's last path component, e.g. "ckplus48". */
  name: string;
  entries: FaceSetEntry[];
  /** True when every entry names its person (cross-identity metrics apply). */
  hasIdentities: boolean;
}

/** Reads a face set folder: `index.csv` with a `file,label,identity` header. */
export async function readFaceSetFolder(folder: string): Promise<FaceSet> {
  const csvPath = join(folder, 'index.csv');
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    throw new MemeMirrorError('NOT_FOUND', `Expected a face set with an index.csv in ${folder}, but ${describeError(error)}`, {
      file: csvPath,
      cause: error,
    });
  }
  const [header = '', ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(',').map((c) => c.trim());
  const fileCol = columns.indexOf('file');
  const labelCol = columns.indexOf('label');
  const identityCol = columns.indexOf('identity');
  if (fileCol < 0 || labelCol < 0) {
    throw new MemeMirrorError('INVALID_OPTION', `Expected ${csvPath} to start with a "file,label,identity" header, but got "${header}"`, {
      file: csvPath,
    });
  }
  const entries = lines
    .filter((line) => line.trim() !== '')
    .map((line): FaceSetEntry => {
      const cells = line.split(',');
      const file = cells[fileCol]?.trim() ?? '';
      const rawLabel = cells[labelCol]?.trim() ?? '';
      return {
        path: join(folder, file),
        file,
        label: canonicalLabel(rawLabel),
        rawLabel,
        identity: identityCol >= 0 ? (cells[identityCol]?.trim() ?? '') : '',
      };
    });
  const name = folder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? folder;
  return { folder, name, entries, hasIdentities: entries.length > 0 && entries.every((e) => e.identity !== '') };
}
