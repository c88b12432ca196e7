// The sha256 of a file (Node only): the collection checks downloads with it, eval finds the same photo filed twice.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The sha256 of a file, as 64 lowercase hex digits, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
