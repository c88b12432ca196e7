/**
 * A decoded image as plain data: no Node types, so browser code can make and read it too.
 * Pixel (x, y) is at `data[(y * width + x) * 3]` (R, then G, then B), rows top to bottom,
 * with the EXIF orientation already applied: what a viewer shows is what the data holds.
 */
export interface RgbImage {
  /** 8-bit sRGB, 3 bytes a pixel, row-major, no padding: `width * height * 3` bytes. */
  data: Uint8Array;
  /** Width in pixels, after orientation. */
  width: number;
  /** Height in pixels, after orientation. */
  height: number;
}
