/**
 * Byte-identical images in a face set. A set that holds one photo twice gives each copy its own
 * person at distance 0 under any model (leakage that is not the model's), and a photo filed under
 * two labels is a label error no model can get right (Yale: 9 such pairs, one of them neutral and
 * sad; FER2013's test split: 16 groups). eval names them.
 */
import { sha256File } from '../util/sha256_file_node.js';

/** An image of a face set: its `file` column and its path. */
export interface SetFile {
  file: string;
  path: string;
}

/** The digest of a file's bytes: sha256File, or a lookup of digests a caller already has. */
export type FileDigest = (path: string) => Promise<string>;

/**
 * The groups of byte-identical files (sha256), each sorted by `file`, in the order of their first
 * file; files that cannot be read are left out (eval counts them as unreadable elsewhere).
 */
export async function byteIdenticalGroups(files: readonly SetFile[], digestOf: FileDigest = sha256File): Promise<string[][]> {
  const byDigest = new Map<string, string[]>();
  for (const { file, path } of files) {
    const digest = await digestOf(path).catch(() => undefined);
    if (digest === undefined) continue;
    const group = byDigest.get(digest);
    if (group) group.push(file);
    else byDigest.set(digest, [file]);
  }
  return [...byDigest.values()]
    .filter((group) => group.length > 1)
    .map((group) => [...group].sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A group of byte-identical images of a face set, with what index.csv says of each. */
export interface DuplicateGroup {
  files: string[];
  labels: string[];
  identities: string[];
}

/** The byte-identical groups among `entries`, with their labels and identities. */
export async function duplicateGroups(
  entries: readonly (SetFile & { label: string; identity: string })[],
  digestOf: FileDigest = sha256File,
): Promise<DuplicateGroup[]> {
  const byFile = new Map(entries.map((e) => [e.file, e]));
  return (await byteIdenticalGroups(entries, digestOf)).map((files) => ({
    files,
    labels: files.map((f) => byFile.get(f)!.label),
    identities: files.map((f) => byFile.get(f)!.identity),
  }));
}
