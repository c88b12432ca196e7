/**
 * The HTTP contract between `meme-mirror serve` and its page (and other apps): plain JSON shapes.
 * Documented for people in docs/api.md.
 */

/** Where the server's meme collection stands. */
export type CollectionState = 'indexing' | 'ready' | 'empty' | 'error';

export interface CollectionStatus {
  state: CollectionState;
  /** The collection folder's name, or null when the server has none. */
  name: string | null;
  /** Images in the index so far, and the faces found in them. */
  images: number;
  faces: number;
  /** While indexing: images handled and to handle. */
  progress: { done: number; total: number } | null;
  /** One readable sentence on the state, e.g. how to add memes to an empty collection. */
  message: string;
}

/** GET /api/info */
export interface ServerInfo {
  app: 'meme-mirror';
  version: string;
  /** The expression model: its registry name (for the page to load) and the id its index carries. */
  model: { name: string; id: string; dims: number };
  collection: CollectionStatus;
  /** URL of the collection's index file (meme-mirror index format, paths relative to the collection). */
  index: string;
  /** Readable names of memes by path, where the collection's index.csv gives them. */
  titles: Record<string, string>;
  /** Largest body POST /api/match accepts, in bytes. */
  maxBodyBytes: number;
}

/** The body of every error response: `{ "error": { status, code, message } }`. */
export interface ApiErrorBody {
  error: { status: number; code: string; message: string };
}

/** One meme face near a query face, as `meme-mirror match --json` prints it (box rounded to pixels). */
export interface MatchJsonMeme {
  /** The meme's path relative to the collection folder. */
  file: string;
  box: number[];
  distance: number;
}

/** POST /api/match: exactly one line of `meme-mirror match --json`. */
export interface MatchJson {
  file: string;
  faces: { box: number[]; score: number; matches: MatchJsonMeme[] }[];
}
