/** The debug view: face boxes and face-mesh landmarks drawn over the picture, in its pixel space. */
import type { DetectedFace } from '../../src/face/face_types.js';

const BOX_COLOUR = '#ffcc33';
const OTHER_BOX_COLOUR = 'rgba(255, 255, 255, .55)';
const LANDMARK_COLOUR = 'rgba(92, 200, 255, .9)';

/**
 * Clears `canvas`, sizes it to the image (`width` x `height` pixels; CSS scales it over the picture)
 * and, when `show`, draws every face's box (the largest, the one matched, highlighted) and the
 * landmarks of the largest.
 */
export function drawOverlay(canvas: HTMLCanvasElement, width: number, height: number, faces: readonly DetectedFace[], show: boolean): void {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  if (!show) return;
  const line = Math.max(2, Math.round(Math.max(width, height) / 240));
  faces.forEach((face, i) => {
    const [x, y, w, h] = face.box;
    ctx.lineWidth = line;
    ctx.strokeStyle = i === 0 ? BOX_COLOUR : OTHER_BOX_COLOUR;
    ctx.strokeRect(x, y, w, h);
  });
  const largest = faces[0];
  if (!largest) return;
  const dot = Math.max(1, line / 1.5);
  ctx.fillStyle = LANDMARK_COLOUR;
  for (const [px, py] of largest.landmarks) ctx.fillRect(px - dot / 2, py - dot / 2, dot, dot);
}
