import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point3 } from '../face/face_types.js';
import { MESH_FEATURES, eyeOpening, meshFeatures } from './mesh_features.js';
import { gaussian, seededRandom } from '../util/random.js';

const EPS = 1e-4;

/** A random "face": 468 points; then a copy moved, scaled and rolled in the image plane. */
function randomMesh(seed: number): Point3[] {
  const random = seededRandom(seed);
  return Array.from({ length: 468 }, (): Point3 => [gaussian(random) * 50 + 200, gaussian(random) * 60 + 200, gaussian(random) * 20]);
}

function transform(mesh: Point3[], angle: number, scale: number, dx: number, dy: number): Point3[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return mesh.map(([x, y, z]) => [scale * (c * x - s * y) + dx, scale * (s * x + c * y) + dy, scale * z]);
}

test('the feature vector has MESH_FEATURES floats, flag first', () => {
  const f = meshFeatures(randomMesh(1));
  assert.equal(f.length, MESH_FEATURES);
  assert.equal(f[0], 1);
});

test('no mesh gives zeros with the flag off', () => {
  assert.ok(meshFeatures([]).every((v) => v === 0));
  assert.ok(meshFeatures(new Float32Array(468 * 3)).every((v) => v === 0));
});

test('moving, scaling and rolling the face changes nothing', () => {
  const mesh = randomMesh(2);
  const a = meshFeatures(mesh);
  const b = meshFeatures(transform(mesh, 0.4, 2.5, -80, 33));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < EPS, `feature ${i}: ${a[i]} vs ${b[i]}`);
});

test('flat landmarks and point lists agree', () => {
  const mesh = randomMesh(3);
  const a = meshFeatures(mesh);
  const b = meshFeatures(Float32Array.from(mesh.flat()));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < EPS);
});

test('mirror=true gives the features of the mirrored face (mirror partners swapped)', () => {
  const mesh = randomMesh(4);
  // MediaPipe's topology is symmetric: build the exact mirror image by swapping the partners we use.
  const partners: [number, number][] = [
    [61, 291], [78, 308], [40, 270], [91, 321], [33, 263], [133, 362], [159, 386], [145, 374],
    [70, 300], [105, 334], [107, 336], [46, 276], [98, 327],
  ];
  const mirrored = mesh.map(([x, y, z]): Point3 => [-x, y, z]);
  for (const [a, b] of partners) {
    const tmp = mirrored[a]!;
    mirrored[a] = mirrored[b]!;
    mirrored[b] = tmp;
  }
  const expected = meshFeatures(mirrored);
  const got = meshFeatures(mesh, true);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - expected[i]!) < EPS, `feature ${i}: ${got[i]} vs ${expected[i]}`);
});

test('eyeOpening is the mean lid-to-lid distance over the outer-corner distance, the same for the mirror image', () => {
  const mesh = randomMesh(5);
  const distance = (a: number, b: number): number => Math.hypot(...mesh[a]!.map((v, k) => v - mesh[b]![k]!));
  const expected = (distance(159, 145) + distance(386, 374)) / 2 / distance(33, 263);
  const got = eyeOpening(meshFeatures(mesh));
  assert.ok(got !== undefined && Math.abs(got - expected) < EPS, `${got} vs ${expected}`);
  assert.ok(Math.abs(eyeOpening(meshFeatures(mesh, true))! - expected) < EPS);
});

test('eyeOpening is undefined without a mesh and refuses a vector of another size', () => {
  assert.equal(eyeOpening(meshFeatures([])), undefined);
  assert.throws(() => eyeOpening(new Float32Array(7)), new RegExp(`Expected ${MESH_FEATURES} mesh features, but got 7`));
});
