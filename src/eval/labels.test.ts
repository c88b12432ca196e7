import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPRESSION_LABELS, canonicalLabel, isExpressionLabel } from './labels.js';

const TABLE: [string, string][] = [
  ['happy', 'happy'],
  ['happiness', 'happy'],
  ['Happiness ', 'happy'],
  ['anger', 'angry'],
  ['angry', 'angry'],
  ['sadness', 'sad'],
  ['sad', 'sad'],
  ['surprised', 'surprise'],
  ['fearful', 'fear'],
  ['disgusted', 'disgust'],
  ['contempt', 'contempt'],
  ['neutral_variants', 'neutral'],
  ['sleepy', 'sleepy'],
  ['wink', 'wink'],
];

for (const [raw, canonical] of TABLE) {
  test(`label '${raw}' maps to '${canonical}'`, () => assert.equal(canonicalLabel(raw), canonical));
}

test('every canonical label maps to itself', () => {
  for (const label of EXPRESSION_LABELS) assert.equal(canonicalLabel(label), label);
});

test('labels without a counterpart are not expression labels', () => {
  assert.ok(isExpressionLabel('happy'));
  assert.ok(!isExpressionLabel('wink'));
});
