import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabelledFace {
  /** Absolute path. */
  path: string;
  file: string;
  label: string;
  identity: string;
}

/** Reads a face set's index.csv (`file,label,identity`). */
export function readFaceSet(folder: string): LabelledFace[] {
  const [, ...lines] = readFileSync(join(folder, 'index.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [file = '', label = '', identity = ''] = line.split(',');
    return { path: join(folder, file), file, label, identity };
  });
}
