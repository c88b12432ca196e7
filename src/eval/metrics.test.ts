import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hardTripletAccuracy, identityLeakage, precisionAtK, tripletAccuracy } from './metrics.js';
import type { LabelledEmbeddings } from './metrics.js';
import { gaussian, seededRandom } from '../util/random.js';

const EPS = 1e-9;
const PEOPLE = ['ann', 'bob', 'cat', 'dan', 'eve'];
const LABELS = ['happy', 'sad', 'surprise'];

/** Every person makes every expression twice; the embedding is built from the given parts. */
function makeSet(embed: (person: number, label: number, copy: number) => number[]): LabelledEmbeddings {
  const embeddings: Float32Array[] = [];
  const labels: string[] = [];
  const identities: string[] = [];
  PEOPLE.forEach((person, p) =>
    LABELS.forEach((label, l) => {
      for (let c = 0; c < 2; c++) {
        embeddings.push(Float32Array.from(embed(p, l, c)));
        labels.push(label);
        identities.push(person);
      }
    }),
  );
  return { embeddings, labels, identities };
}

const oneHot = (i: number, n: number, scale = 1): number[] => Array.from({ length: n }, (_, j) => (j === i ? scale : 0));

test('an embedding of the expression alone scores 1 on every expression metric and never prefers the same person', () => {
  const random = seededRandom(3);
  const set = makeSet((_, l) => [...oneHot(l, 3, 10), gaussian(random) * 0.01]);
  assert.equal(tripletAccuracy(set).accuracy, 1);
  assert.equal(hardTripletAccuracy(set).accuracy, 1);
  assert.equal(precisionAtK(set).precision, 1);
  const leak = identityLeakage(set);
  // 29 other faces; the 3 nearest are among the 9 other same-label faces, 1 of which is the same person.
  assert.ok(leak.leakage <= 1 / 3 + EPS);
  assert.equal(leak.otherLabel, 0);
  assert.ok(Math.abs(leak.chance - 5 / 29) < EPS);
});

test('an identity embedding fails the hard triplets and leaks identity', () => {
  const set = makeSet((p, l, c) => [...oneHot(p, 5, 10), l * 0.01 + c * 0.001]);
  assert.equal(hardTripletAccuracy(set).accuracy, 0);
  assert.equal(identityLeakage(set).leakage, 1);
  assert.equal(identityLeakage(set).otherLabel, 1);
  // Among other people, the labels are equally near: P@3 sees the small label term.
  assert.ok(precisionAtK(set).precision > 0.9);
});

test('a constant embedding gives ties: triplet accuracy 0.5', () => {
  const set = makeSet(() => [0, 0]);
  assert.equal(tripletAccuracy(set).accuracy, 0.5);
  assert.equal(hardTripletAccuracy(set).accuracy, 0.5);
});

test('a random embedding is near chance', () => {
  const random = seededRandom(11);
  const set = makeSet(() => [gaussian(random), gaussian(random), gaussian(random)]);
  const triplet = tripletAccuracy(set, { count: 20_000 });
  assert.ok(Math.abs(triplet.accuracy - 0.5) < 0.05, `triplet ${triplet.accuracy}`);
  const p3 = precisionAtK(set);
  // 24 other people's faces, 8 of them with the query's label.
  assert.ok(Math.abs(p3.chance - 8 / 24) < EPS);
  assert.ok(Math.abs(p3.precision - p3.chance) < 0.15, `P@3 ${p3.precision}`);
});

test('the same seed gives the same triplets; another seed other ones', () => {
  const random = seededRandom(5);
  const set = makeSet(() => [gaussian(random), gaussian(random)]);
  assert.equal(tripletAccuracy(set, { seed: 7 }).accuracy, tripletAccuracy(set, { seed: 7 }).accuracy);
  assert.notEqual(tripletAccuracy(set, { seed: 7, count: 500 }).accuracy, tripletAccuracy(set, { seed: 8, count: 500 }).accuracy);
});

test('without identities: positives are any other same-label face, hard triplets and leakage do not apply', () => {
  const base = makeSet((_, l, c) => [l, c * 0.1]);
  const set = { ...base, identities: base.identities.map(() => '') };
  assert.equal(tripletAccuracy(set).accuracy, 1);
  assert.ok(Number.isNaN(hardTripletAccuracy(set).accuracy));
  assert.ok(Number.isNaN(identityLeakage(set).leakage));
  assert.equal(precisionAtK(set).precision, 1);
  assert.ok(Math.abs(precisionAtK(set).chance - 9 / 29) < EPS);
});

test('per-label precision is reported for every label', () => {
  const set = makeSet((_, l) => [l]);
  assert.deepEqual(Object.keys(precisionAtK(set).byLabel), ['happy', 'sad', 'surprise']);
});

test('embeddings of different sizes are refused with both sizes named', () => {
  const set = { embeddings: [new Float32Array(2), new Float32Array(3)], labels: ['a', 'b'], identities: ['x', 'y'] };
  assert.throws(() => tripletAccuracy(set), /different sizes \(2 vs\. 3\)/);
});

test('leak= looks only at faces with the query label: an expression embedding whose order within a label is the person leaks there alone', () => {
  // Labels far apart; within a label, the same person's two copies are nearest each other.
  const set = makeSet((p, l, c) => [...oneHot(l, 3, 10), p * 0.1 + c * 0.001]);
  const leak = identityLeakage(set);
  assert.equal(precisionAtK(set).precision, 1);
  assert.equal(leak.otherLabel, 0);
  // The 3 nearest same-label faces: the own copy, then two other people.
  assert.ok(Math.abs(leak.sameLabel - 1 / 3) < EPS, `leak= ${leak.sameLabel}`);
  assert.ok(Math.abs(leak.leakage - 1 / 3) < EPS);
  // 9 other faces with the query's label, 1 of them the same person.
  assert.ok(Math.abs(leak.sameLabelChance - 1 / 9) < EPS);
});

test('leak= of a random embedding is near its chance; an identity embedding finds its one same-label copy first', () => {
  const random = seededRandom(13);
  // Random order: labels confused everywhere, but within a label the person does not matter.
  const set = makeSet(() => [gaussian(random), gaussian(random)]);
  const leak = identityLeakage(set);
  assert.ok(Math.abs(leak.sameLabelChance - 1 / 9) < EPS);
  assert.ok(leak.sameLabel < 0.3, `leak= ${leak.sameLabel}`);
  const identity = identityLeakage(makeSet((p, l, c) => [...oneHot(p, 5, 10), l * 0.01 + c * 0.001]));
  assert.equal(identity.sameLabel, 1 / 3);
});
