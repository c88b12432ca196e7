import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder (outside the repo), removed by `dispose`. */
export async function tempDir(prefix = 'meme-mirror-'): Promise<{ path: string; dispose: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** Copies the first `count` files (sorted by name) of a shared-data folder into `dest`, for tests that change files. */
export async function copySome(from: string, dest: string, count: number, filter: (name: string) => boolean = () => true): Promise<string[]> {
  const names = (await readdir(from)).filter((n) => n !== 'index.csv' && filter(n)).sort().slice(0, count);
  for (const name of names) await cp(join(from, name), join(dest, name));
  return names;
}
