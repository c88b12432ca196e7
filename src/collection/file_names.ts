// Safe, unique file names for downloaded files (pure string functions).

/** Used when a name sanitises to nothing. */
const FALLBACK_NAME = 'download';
/** Most file systems allow 255 bytes per name; leave room for "-NN" and ".part". */
const MAX_NAME_BYTES = 200;
/** Longest extension kept whole when a name is shortened (".jpeg" and the like). */
const MAX_EXTENSION_CHARS = 10;
/** Windows device names, which are not usable as file names there whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * A name safe to create in a folder: Unicode letters, marks and digits and `._-()+'!&@=~` kept, whitespace runs
 * turned into "-", runs of anything else (separators, commas, control and invisible characters) into one "_";
 * no leading "." or "-" (no hidden files, no "..", nothing that reads as a command-line option), no trailing ".",
 * never empty, never a Windows device name. A ".part" suffix (our temporary files) becomes ".part_".
 */
export function sanitizeFileName(raw: string): string {
  let name = raw
    .normalize('NFC')
    .trim()
    .replace(/\s+/gu, '-')
    .replace(/[^\p{L}\p{M}\p{N}._\-()+'!&@=~]+/gu, '_')
    .replace(/^[.-]+/u, '')
    .replace(/\.+$/u, '');
  if (name === '') name = FALLBACK_NAME;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (/\.part$/i.test(name)) name = `${name}_`;
  return truncateName(name);
}

/** True when `name` can be used as is inside an output folder (what `sanitizeFileName` guarantees, less strictly). */
export function isSafeFileName(name: string): boolean {
  return name !== '' && !/[/\\\0]/.test(name) && !name.startsWith('.') && !/\.part$/i.test(name);
}

/** The decoded, sanitised last non-empty path segment of an http(s) URL (the host name when the path is empty). */
export function fileNameFromUrl(url: string): string {
  const parsed = new URL(url);
  const segment = parsed.pathname.split('/').filter((s) => s !== '').pop() ?? parsed.hostname;
  return sanitizeFileName(safeDecode(segment));
}

/** The extension of a URL's last path segment, lowercase with its dot (".jpg"), or "" when it has none. */
export function urlExtension(url: string): string {
  const match = /\.([a-z0-9]{1,8})$/i.exec(new URL(url).pathname);
  return match?.[1] === undefined ? '' : `.${match[1].toLowerCase()}`;
}

/**
 * Makes names unique, comparing without case (macOS and Windows file systems ignore it): the first keeps its name,
 * later clashes get "-2", "-3"... before the extension, in input order, so the result is deterministic.
 * `reserved` names are never handed out.
 */
export function uniqueFileNames(names: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved.map((name) => name.toLowerCase()));
  return names.map((name) => {
    const { stem, extension } = splitExtension(name);
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape: keep it as written, sanitising makes it safe
  }
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_CHARS ? name.slice(dot) : '';
  return { stem: name.slice(0, name.length - extension.length), extension };
}

/** Shortens the stem (whole code points) so the name fits MAX_NAME_BYTES in UTF-8, keeping the extension. */
function truncateName(name: string): string {
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const { stem, extension } = splitExtension(name);
  let budget = MAX_NAME_BYTES - Buffer.byteLength(extension);
  let kept = '';
  for (const char of stem) {
    budget -= Buffer.byteLength(char);
    if (budget < 0) break;
    kept += char;
  }
  return kept + extension;
}
