import type { ServerResponse } from 'node:http';
import { isMemeMirrorError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { ApiErrorBody } from './api_types.js';

/** An error the client gets as `{ "error": { status, code, message } }` with this HTTP status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** HTTP status of each library error code a request can cause. */
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  NOT_AN_IMAGE: 415,
  CORRUPT_IMAGE: 422,
  IMAGE_TOO_LARGE: 413,
  INVALID_OPTION: 400,
  NOT_FOUND: 404,
};

/** Any thrown value as an HttpError: library errors keep their code; anything else is a 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isMemeMirrorError(error)) {
    const status = STATUS_OF[error.code];
    if (status !== undefined) return new HttpError(status, error.code, error.message);
  }
  return new HttpError(500, 'INTERNAL', 'The server failed on this request (a bug: its log has the details)');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: ApiErrorBody = { error: { status: error.status, code: error.code, message: error.message } };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, body, error.headers);
}
