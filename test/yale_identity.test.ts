// Expression is not identity: measured on the Yale faces (15 people, neutral under other lights
// and with glasses, plus happy, sad, surprised, sleepy, wink).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemeMirror } from '../src/index.js';
import { euclidean } from '../src/index/distance.js';
import { dataPath } from './helpers/data.js';
import { readFaceSet } from './helpers/csv.js';
import type { LabelledFace } from './helpers/csv.js';

const yale = dataPath('expressions/yale');

interface Embedded extends LabelledFace {
  embedding: Float32Array;
}

let mm: MemeMirror;
const faces: Embedded[] = [];

before(async () => {
  if (!yale) return;
  mm = await MemeMirror.create();
  for (const face of readFaceSet(yale)) {
    const result = await mm.embed(face.path);
    const first = result.faces[0];
    if (first) faces.push({ ...face, embedding: Float32Array.from(first.embedding) });
  }
});

after(() => mm?.close());

test('a face is found in every Yale image', { skip: !yale }, () => {
  assert.equal(faces.length, readFaceSet(yale!).length);
});

test('neutral under another light or with glasses is nearer the same person neutral than their happy face', { skip: !yale }, () => {
  let closer = 0;
  let total = 0;
  for (const person of new Set(faces.map((f) => f.identity))) {
    const own = faces.filter((f) => f.identity === person);
    const neutral = own.find((f) => f.label === 'neutral');
    const happy = own.find((f) => f.label === 'happy');
    if (!neutral || !happy) continue;
    for (const variant of own.filter((f) => f.label === 'neutral_variants')) {
      total++;
      if (euclidean(variant.embedding, neutral.embedding) < euclidean(variant.embedding, happy.embedding)) closer++;
    }
  }
  console.log(`identity invariance: ${closer}/${total} variants nearer own neutral than own happy`);
  assert.ok(total >= 60, `expected at least 60 variants, got ${total}`);
  // Measured 73/74 (0.99) with faceapi-hellinger@1 and mm-expr-mlp@1, 72/74 with mm-expr-mlp@2 to @4; 0.9 leaves room for backend rounding.
  assert.ok(closer / total >= 0.9, `expected >= 90% of variants nearer their own neutral face, got ${closer}/${total}`);
});

test("a happy face's nearest neighbours among other people are mostly happy", { skip: !yale }, () => {
  const TOP = 3;
  let hits = 0;
  let shown = 0;
  for (const query of faces.filter((f) => f.label === 'happy')) {
    const others = faces
      .filter((f) => f.identity !== query.identity)
      .map((f) => ({ f, d: euclidean(query.embedding, f.embedding) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, TOP);
    hits += others.filter(({ f }) => f.label === 'happy').length;
    shown += others.length;
  }
  // 15 of the 164 faces are happy: by chance about 9% of the top 3 would be. Measured 0.733 with
  // faceapi-hellinger@1, 0.778 with mm-expr-mlp@1, 0.867 with mm-expr-mlp@2 to @4.
  console.log(`happy P@${TOP} among other people: ${(hits / shown).toFixed(3)}`);
  assert.ok(hits / shown >= 0.6, `expected most (>= 60%) of the top ${TOP} to be happy, got ${hits}/${shown}`);
});
