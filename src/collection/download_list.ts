// The download list of the original facial-search app: one "url,sha256" line per file, sha256 optional.
import { MemeMirrorError } from '../errors.js';
import type { DownloadEntry } from './collection_types.js';
import { fileNameFromUrl, uniqueFileNames } from './file_names.js';

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const HEADER = /^url\s*(,\s*sha256\s*)?$/i;
/** How much of a bad line an error message quotes. */
const MAX_QUOTED_CHARS = 200;

/**
 * Parses a download list: one `url` or `url,sha256` per line; an optional first line `url,sha256` (header);
 * blank lines and lines starting with "#" skipped. Each file is named after the last segment of its URL's path,
 * decoded and sanitised, with clashes numbered in list order. `source` names the list in error messages.
 * Throws INVALID_OPTION naming `source:line` on a bad line.
 */
export function parseDownloadList(text: string, source: string): DownloadEntry[] {
  const rows: { url: string; sha256: string }[] = [];
  let seenContent = false;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const isHeader = !seenContent && HEADER.test(line);
      seenContent = true;
      if (isHeader) return;
      const [url = '', sha256 = '', ...extra] = line.split(',').map((field) => field.trim());
      if (extra.length > 0 || !isHttpUrl(url) || (sha256 !== '' && !SHA256_HEX.test(sha256))) {
        const quoted = raw.length > MAX_QUOTED_CHARS ? `${raw.slice(0, MAX_QUOTED_CHARS)}...` : raw;
        throw new MemeMirrorError(
          'INVALID_OPTION',
          `${source}:${index + 1}: expected "url,sha256" (an http(s) URL, then optionally a sha256 of 64 hex ` +
            `digits), got "${quoted}"`,
          { file: source },
        );
      }
      rows.push({ url, sha256: sha256.toLowerCase() });
    });
  const files = uniqueFileNames(rows.map((row) => fileNameFromUrl(row.url)));
  return rows.map((row, i) => ({ url: row.url, file: files[i]!, ...(row.sha256 !== '' && { sha256: row.sha256 }) }));
}

export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
