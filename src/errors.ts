/**
 * Typed errors with stable codes (after citty's `CLIError(message, code)`).
 * The library throws these; only the CLI entry point catches them, prints the message
 * (a stack only for a bug) and sets the exit code.
 */

/** Every stable error code the library can throw, with what it means. */
export const ERROR_CODES = {
  NOT_FOUND: 'a file or folder does not exist',
  NOT_AN_IMAGE: 'the file is not an image in a supported format',
  CORRUPT_IMAGE: 'the image is truncated or corrupt',
  IMAGE_TOO_LARGE: 'the image has more pixels than the limit (decompression bomb guard)',
  INVALID_OPTION: 'an option has a value outside what it accepts',
  INDEX_CORRUPT: 'an index file is damaged (bad magic, checksum or size)',
  INDEX_MISMATCH: 'an index file was made by another model or format version',
  DIMENSION_MISMATCH: 'two embeddings or an embedding and an index differ in size',
  DOWNLOAD_FAILED: 'a download failed after all retries',
  CHECKSUM_MISMATCH: 'a downloaded file does not have the expected sha256',
  MODEL_LOAD_FAILED: 'a model could not be loaded',
  CLOSED: 'the object was used after close()',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class MemeMirrorError extends Error {
  override readonly name = 'MemeMirrorError';
  readonly code: ErrorCode;
  /** The file the error is about, when there is one. */
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }
}

export function isMemeMirrorError(error: unknown, code?: ErrorCode): error is MemeMirrorError {
  return error instanceof MemeMirrorError && (code === undefined || error.code === code);
}

/** A short description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
