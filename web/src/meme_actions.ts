/** Using a meme: copy it to the clipboard, download it, share it (Web Share, on phones mostly). */

/** The image at `url` (same origin or a blob: URL) as a Blob. */
export async function fetchImage(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot load the meme (HTTP ${response.status})`);
  return response.blob();
}

/** The clipboard takes PNG everywhere (other image types only in some browsers): convert when needed. */
export async function asPng(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob;
  const bitmap = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw images to a canvas');
    ctx.drawImage(bitmap, 0, 0);
    return await canvas.convertToBlob({ type: 'image/png' });
  } finally {
    bitmap.close();
  }
}

export function canCopyImages(): boolean {
  return typeof ClipboardItem !== 'undefined' && typeof navigator.clipboard?.write === 'function';
}

/** Copies the image to the clipboard. The ClipboardItem gets a promise so Safari keeps the user gesture. */
export async function copyImage(url: string): Promise<void> {
  if (!canCopyImages()) throw new Error('This browser cannot copy images; use Download instead');
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': fetchImage(url).then(asPng) })]);
}

export function canShareFiles(): boolean {
  if (typeof navigator.canShare !== 'function') return false;
  try {
    return navigator.canShare({ files: [new File([new Uint8Array(1)], 'meme.png', { type: 'image/png' })] });
  } catch {
    return false;
  }
}

/** Opens the system share sheet with the image. Resolves false when the user cancels. */
export async function shareImage(url: string, name: string, title: string): Promise<boolean> {
  const blob = await fetchImage(url);
  const file = new File([blob], name, { type: blob.type || 'image/jpeg' });
  try {
    await navigator.share({ files: [file], title });
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return false;
    throw error;
  }
}
