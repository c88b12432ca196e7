/*
 * Meme index file, format version 1. Integers and floats are little-endian; offsets in bytes.
 *
 *   offset        size            field
 *   0             8               magic "MEMEIDX\0" (ASCII, last byte 0)
 *   8             4               format version, u32 (1)
 *   12            4               header length H, u32
 *   16            H               header, UTF-8 JSON: {"modelId","dims","faceCount","fileCount","createdAt"}
 *   16+H          4               files table length F, u32
 *   20+H          F               files table, UTF-8 JSON array of IndexedFile records, in index order
 *   20+H+F        44*N            faces table, N = faceCount fixed records in face order:
 *                                   u32 file, f64 x, f64 y, f64 w, f64 h, f64 score
 *   ...           0..3            zero padding, so E is a multiple of 4
 *   E             4*N*dims        embeddings, f32, row-major: row i is face i
 *   E+4*N*dims    32              SHA-256 of every byte before it
 *
 * Decoding checks, in order: magic (INDEX_CORRUPT "bad magic"), format version (INDEX_MISMATCH, before
 * the checksum because another version may lay out the rest differently), total length against the
 * header (INDEX_CORRUPT), checksum (INDEX_CORRUPT), expected model and dims (INDEX_MISMATCH), contents.
 * Browser-safe: Uint8Array, DataView, TextEncoder and Web Crypto only.
 */
import { MemeMirrorError } from '../errors.js';
import { MemeIndex } from './memory_index.js';
import { INDEX_FORMAT_VERSION } from './index_types.js';
import type { IndexedFace, IndexedFile } from './index_types.js';

const MAGIC = new TextEncoder().encode('MEMEIDX\0');
/** Magic, version and header length. */
const PREAMBLE_BYTES = 16;
const LENGTH_BYTES = 4;
/** u32 file + 4 x f64 box + f64 score. */
const FACE_RECORD_BYTES = 44;
const FLOAT32_BYTES = 4;
const CHECKSUM_BYTES = 32;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The header of an index file, readable without the rest. */
export interface IndexFileHeader {
  formatVersion: number;
  modelId: string;
  dims: number;
  faceCount: number;
  fileCount: number;
  createdAt: string;
}

/** What `decodeIndex` must find; every field optional. */
export interface DecodeExpectations {
  /** Refuse an index made by another model. Defaults to accepting any. */
  modelId?: string;
  /** Refuse an index of another embedding length. Defaults to accepting any. */
  dims?: number;
  /** Names the bytes in error messages, e.g. the file path. Defaults to "The input". */
  source?: string;
}

/** Encodes an index in the format above. */
export async function encodeIndex(index: MemeIndex): Promise<Uint8Array> {
  const { header, files, faces, embeddings } = index.toData();
  const encoder = new TextEncoder();
  const headerJson = encoder.encode(
    JSON.stringify({
      modelId: header.modelId,
      dims: header.dims,
      faceCount: faces.length,
      fileCount: files.length,
      createdAt: header.createdAt,
    }),
  );
  const filesJson = encoder.encode(JSON.stringify(files));
  const layout = layoutOf(headerJson.length, filesJson.length, faces.length, header.dims);

  const bytes = new Uint8Array(layout.total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, INDEX_FORMAT_VERSION, true);
  view.setUint32(12, headerJson.length, true);
  bytes.set(headerJson, PREAMBLE_BYTES);
  view.setUint32(layout.filesLengthAt, filesJson.length, true);
  bytes.set(filesJson, layout.filesAt);
  faces.forEach((face, i) => {
    const at = layout.facesAt + i * FACE_RECORD_BYTES;
    view.setUint32(at, face.file, true);
    face.box.forEach((v, j) => view.setFloat64(at + 4 + 8 * j, v, true));
    view.setFloat64(at + 36, face.score, true);
  });
  if (LITTLE_ENDIAN_HOST) {
    bytes.set(new Uint8Array(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength), layout.embeddingsAt);
  } else {
    embeddings.forEach((v, i) => view.setFloat32(layout.embeddingsAt + FLOAT32_BYTES * i, v, true));
  }
  bytes.set(await sha256(bytes.subarray(0, layout.checksumAt)), layout.checksumAt);
  return bytes;
}

/**
 * Decodes and checks an index file. Throws INDEX_CORRUPT for bad magic, a wrong length or checksum or
 * inconsistent contents; INDEX_MISMATCH for another format version, or another model or dims than expected.
 */
export async function decodeIndex(bytes: Uint8Array, expect: DecodeExpectations = {}): Promise<MemeIndex> {
  const corrupt = (why: string, cause?: unknown) => corruptError(expect.source, why, cause);
  const header = readIndexHeader(bytes, expect.source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(12, true);
  const filesLengthAt = PREAMBLE_BYTES + headerBytes;
  if (bytes.length < filesLengthAt + LENGTH_BYTES) throw corrupt(`truncated to ${bytes.length} bytes`);
  const filesBytes = view.getUint32(filesLengthAt, true);
  const layout = layoutOf(headerBytes, filesBytes, header.faceCount, header.dims);
  if (bytes.length !== layout.total) {
    throw corrupt(`${bytes.length} bytes, but its header describes ${layout.total}: truncated or damaged`);
  }
  const checksum = await sha256(bytes.subarray(0, layout.checksumAt));
  if (!checksum.every((b, i) => b === bytes[layout.checksumAt + i])) throw corrupt('checksum mismatch');

  checkExpectations(header, expect);

  let files: IndexedFile[];
  try {
    files = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(layout.filesAt, layout.facesAt)));
  } catch (error) {
    throw corrupt('unreadable files table', error);
  }
  if (!Array.isArray(files) || files.length !== header.fileCount) {
    throw corrupt(`expected a files table of ${header.fileCount} records`);
  }
  const faces: IndexedFace[] = [];
  for (let i = 0; i < header.faceCount; i++) {
    const at = layout.facesAt + i * FACE_RECORD_BYTES;
    const box = [0, 1, 2, 3].map((j) => view.getFloat64(at + 4 + 8 * j, true)) as IndexedFace['box'];
    faces.push({ file: view.getUint32(at, true), box, score: view.getFloat64(at + 36, true) });
  }
  const count = header.faceCount * header.dims;
  let embeddings: Float32Array;
  if (LITTLE_ENDIAN_HOST) {
    // Copy into a fresh buffer: the input may sit at an offset that is not a multiple of 4.
    const copy = new Uint8Array(count * FLOAT32_BYTES);
    copy.set(bytes.subarray(layout.embeddingsAt, layout.checksumAt));
    embeddings = new Float32Array(copy.buffer);
  } else {
    embeddings = Float32Array.from({ length: count }, (_, i) =>
      view.getFloat32(layout.embeddingsAt + FLOAT32_BYTES * i, true),
    );
  }
  try {
    return MemeIndex.fromData({
      header: { formatVersion: header.formatVersion, modelId: header.modelId, dims: header.dims, createdAt: header.createdAt },
      files,
      faces,
      embeddings,
    });
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message : String(error), error);
  }
}

/**
 * Reads only the magic, format version and header: cheap, works on a prefix of the file that holds
 * the header (for `--info`). Does not verify the checksum. Throws INDEX_CORRUPT for bad magic or an
 * unreadable header, INDEX_MISMATCH for another format version.
 */
export function readIndexHeader(bytes: Uint8Array, source?: string): IndexFileHeader {
  const corrupt = (why: string, cause?: unknown) => corruptError(source, why, cause);
  if (!MAGIC.every((b, i) => i >= bytes.length || bytes[i] === b)) {
    throw new MemeMirrorError('INDEX_CORRUPT', `${label(source)} is not a meme-mirror index (bad magic)`, {
      file: source,
    });
  }
  if (bytes.length < PREAMBLE_BYTES) throw corrupt(`truncated to ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const formatVersion = view.getUint32(8, true);
  if (formatVersion !== INDEX_FORMAT_VERSION) {
    throw new MemeMirrorError(
      'INDEX_MISMATCH',
      `${label(source)} is in index format version ${formatVersion}, but this meme-mirror reads version ${INDEX_FORMAT_VERSION}; ${reindexHint(source)}`,
      { file: source },
    );
  }
  const headerEnd = PREAMBLE_BYTES + view.getUint32(12, true);
  if (bytes.length < headerEnd) throw corrupt(`truncated to ${bytes.length} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, headerEnd)));
  } catch (error) {
    throw corrupt('unreadable header', error);
  }
  const h = (header ?? {}) as Partial<Record<keyof IndexFileHeader, unknown>>;
  const count = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
  if (
    typeof h.modelId !== 'string' ||
    !count(h.dims, 1) ||
    !count(h.faceCount, 0) ||
    !count(h.fileCount, 0) ||
    typeof h.createdAt !== 'string'
  ) {
    throw corrupt('unreadable header');
  }
  return {
    formatVersion,
    modelId: h.modelId,
    dims: h.dims,
    faceCount: h.faceCount,
    fileCount: h.fileCount,
    createdAt: h.createdAt,
  };
}

function checkExpectations(header: IndexFileHeader, expect: DecodeExpectations): void {
  const modelOk = expect.modelId === undefined || expect.modelId === header.modelId;
  const dimsOk = expect.dims === undefined || expect.dims === header.dims;
  if (!modelOk || !dimsOk) throw indexMismatchError(header, expect, expect.source);
}

/**
 * INDEX_MISMATCH: an index made by another model (or dims) than the one in use, saying which and how
 * to re-index. `source` names the index file when it is known.
 */
export function indexMismatchError(
  made: { modelId: string; dims: number },
  expected: { modelId?: string | undefined; dims?: number | undefined },
  source?: string,
): MemeMirrorError {
  const wanted = [
    expected.modelId === undefined ? undefined : `model "${expected.modelId}"`,
    expected.dims === undefined ? undefined : `${expected.dims} dims`,
  ].filter((s) => s !== undefined);
  return new MemeMirrorError(
    'INDEX_MISMATCH',
    `${source ?? 'The index'} was made by model "${made.modelId}" (${made.dims} dims), but ${wanted.join(' with ')} is expected; ${reindexHint(source)}`,
    source === undefined ? {} : { file: source },
  );
}

/** How messages name the bytes. */
function label(source: string | undefined): string {
  return source ?? 'The input';
}

/** How to make a fresh index, naming the file when it is known. */
function reindexHint(source: string | undefined): string {
  return `re-index with \`meme-mirror index <folder> --out ${source ?? '<file>'}\``;
}

function corruptError(source: string | undefined, why: string, cause?: unknown): MemeMirrorError {
  return new MemeMirrorError('INDEX_CORRUPT', `${label(source)} is a damaged meme-mirror index (${why}); ${reindexHint(source)}`, {
    file: source,
    cause,
  });
}

/** Byte offsets of every section, from the two variable lengths and the counts. */
function layoutOf(headerBytes: number, filesBytes: number, faceCount: number, dims: number) {
  const filesLengthAt = PREAMBLE_BYTES + headerBytes;
  const filesAt = filesLengthAt + LENGTH_BYTES;
  const facesAt = filesAt + filesBytes;
  const embeddingsAt = Math.ceil((facesAt + faceCount * FACE_RECORD_BYTES) / FLOAT32_BYTES) * FLOAT32_BYTES;
  const checksumAt = embeddingsAt + faceCount * dims * FLOAT32_BYTES;
  return { filesLengthAt, filesAt, facesAt, embeddingsAt, checksumAt, total: checksumAt + CHECKSUM_BYTES };
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  // Web Crypto refuses views of a SharedArrayBuffer: copy those.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}
