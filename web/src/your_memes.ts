/** Your own memes, kept in this browser's IndexedDB across visits: the image and its faces' embeddings. */
import type { YourFace, YourMemeEntry } from './search_protocol.js';
import { YOURS_PREFIX } from './search_protocol.js';

const DB_NAME = 'meme-mirror';
const DB_VERSION = 1;
const STORE = 'your-memes';

export interface StoredMeme {
  /** SHA-256 of the image bytes, lowercase hex: the same image is stored once. */
  id: string;
  /** 'yours/<file name>', unique among your memes. */
  path: string;
  /** The image as added. */
  blob: Blob;
  size: number;
  lastModified: number;
  /** The expression model that made `faces`; memes of another model are embedded again. */
  modelId: string;
  faces: YourFace[];
  addedAt: number;
}

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

export class YourMemesStore {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  static async open(): Promise<YourMemesStore> {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    return new YourMemesStore(await promised(request));
  }

  async list(): Promise<StoredMeme[]> {
    const all = await promised(this.#db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<StoredMeme[]>);
    return all.sort((a, b) => a.addedAt - b.addedAt);
  }

  async get(id: string): Promise<StoredMeme | undefined> {
    return promised(this.#db.transaction(STORE, 'readonly').objectStore(STORE).get(id) as IDBRequest<StoredMeme | undefined>);
  }

  async put(meme: StoredMeme): Promise<void> {
    await promised(this.#db.transaction(STORE, 'readwrite').objectStore(STORE).put(meme));
  }

  async delete(id: string): Promise<void> {
    await promised(this.#db.transaction(STORE, 'readwrite').objectStore(STORE).delete(id));
  }

  async clear(): Promise<void> {
    await promised(this.#db.transaction(STORE, 'readwrite').objectStore(STORE).clear());
  }

  close(): void {
    this.#db.close();
  }
}

/** A path under 'yours/' for `name` that no meme in `taken` has yet. */
export function uniqueYourPath(name: string, taken: ReadonlySet<string>): string {
  const clean = name.replace(/[\\/]+/g, '_').replace(/^\.+/, '') || 'meme';
  let path = `${YOURS_PREFIX}${clean}`;
  const dot = clean.lastIndexOf('.');
  const stem = dot > 0 ? clean.slice(0, dot) : clean;
  const ext = dot > 0 ? clean.slice(dot) : '';
  for (let n = 2; taken.has(path); n++) path = `${YOURS_PREFIX}${stem}-${n}${ext}`;
  return path;
}

export function entryOf(meme: StoredMeme): YourMemeEntry {
  return { path: meme.path, size: meme.size, mtimeMs: meme.lastModified, sha256: meme.id, faces: meme.faces };
}

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
