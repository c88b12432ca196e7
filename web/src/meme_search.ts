/**
 * The search the worker runs: the server's collection index and an index of your own memes, searched
 * together by exact Euclidean distance. Plain code over MemeIndex (no model, no DOM), tested in Node.
 */
import { MemeMirrorError } from '../../src/errors.js';
import { decodeIndex } from '../../src/index/format.js';
import { MemeIndex } from '../../src/index/memory_index.js';
import { distanceScale, matchScore } from './match_score.js';
import { YOURS_PREFIX } from './search_protocol.js';
import type { MatchResult } from '../../src/index/index_types.js';
import type { CollectionLoaded, MemeSource, ShownMatch, YourMemeEntry, YoursChanged } from './search_protocol.js';

/** Hex digits of an image's SHA-256 kept as its version. */
const VERSION_CHARS = 12;

export class MemeSearch {
  #collection: MemeIndex | undefined;
  #yours: MemeIndex | undefined;
  #scale: number | undefined;

  /** Decodes the collection's index file (checking format, checksum, model and dims) and makes it searchable. */
  async loadCollection(bytes: Uint8Array, modelId: string, dims: number, source = 'the collection index'): Promise<CollectionLoaded> {
    const index = await decodeIndex(bytes, { modelId, dims, source });
    this.#collection = index;
    if (!this.#yours || this.#yours.modelId !== modelId || this.#yours.dims !== dims) this.#yours = MemeIndex.empty(modelId, dims);
    this.#rescale();
    const files = index.files();
    const shown = files.filter((f) => f.faces > 0).map((f) => ({ path: f.path, version: f.sha256.slice(0, VERSION_CHARS) }));
    return { files: files.length, faces: index.size, modelId, dims, scale: this.#scale, shown };
  }

  /** Adds or replaces your memes (paths under YOURS_PREFIX). */
  upsertYours(memes: readonly YourMemeEntry[]): YoursChanged {
    const yours = this.#yoursIndex();
    for (const meme of memes) {
      if (!meme.path.startsWith(YOURS_PREFIX)) {
        throw new MemeMirrorError('INVALID_OPTION', `Expected the path of your meme to start with '${YOURS_PREFIX}', but got '${meme.path}'`);
      }
      yours.upsertFile(
        { path: meme.path, size: meme.size, mtimeMs: meme.mtimeMs, sha256: meme.sha256 },
        meme.faces.map((f) => ({ box: f.box, score: f.score, embedding: f.embedding })),
      );
    }
    this.#rescale();
    return this.#yoursChanged();
  }

  removeYours(paths: readonly string[]): YoursChanged {
    const yours = this.#yoursIndex();
    for (const path of paths) yours.removeFile(path);
    this.#rescale();
    return this.#yoursChanged();
  }

  /** The `k` nearest meme faces of both indexes, nearest first (ties: the collection first, then index order). */
  search(embedding: ArrayLike<number>, k: number): ShownMatch[] {
    const collection = this.#collection;
    if (!collection) throw new MemeMirrorError('INVALID_OPTION', 'Expected the collection index to be loaded before a search');
    const shown = (index: MemeIndex, source: MemeSource) => (m: MatchResult): ShownMatch => ({
      file: m.file,
      source,
      box: m.box,
      distance: m.distance,
      score: matchScore(m.distance, this.#scale),
      version: (index.fileByPath(m.file)?.sha256 ?? '').slice(0, VERSION_CHARS),
    });
    const found = collection.match(embedding, k).map(shown(collection, 'collection'));
    const yours = this.#yours;
    if (yours && yours.size > 0) found.push(...yours.match(embedding, k).map(shown(yours, 'yours')));
    // A stable sort keeps the collection's hits ahead of yours at equal distance.
    return found.sort((a, b) => a.distance - b.distance).slice(0, k);
  }

  #yoursIndex(): MemeIndex {
    if (!this.#yours) throw new MemeMirrorError('INVALID_OPTION', 'Expected the collection index to be loaded before your memes');
    return this.#yours;
  }

  #yoursChanged(): YoursChanged {
    const yours = this.#yoursIndex();
    return { files: yours.files().length, faces: yours.size, scale: this.#scale };
  }

  /** The collection sets the scale; your memes only when the collection has too few faces. */
  #rescale(): void {
    const scaleOf = (indexes: MemeIndex[]) => distanceScale(indexes);
    const collection = this.#collection ? [this.#collection] : [];
    this.#scale = scaleOf(collection) ?? scaleOf([...collection, ...(this.#yours ? [this.#yours] : [])]);
  }
}
