// `meme-mirror eval` as a user runs it: real process, real face sets, the output contracts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPath } from './helpers/data.js';
import { readFaceSet } from './helpers/csv.js';
import { tempDir } from './helpers/workspace.js';
import { runCli } from './helpers/cli.js';

const yale = dataPath('expressions/yale');

interface ModelJson {
  id: string;
  dims: number;
  triplet: { accuracy: number; triplets: number };
  hardTriplet: { accuracy: number; triplets: number };
  precision: { precision: number; chance: number };
  leakage: { leakage: number; chance: number; sameLabel: number; sameLabelChance: number; otherLabel: number };
}
interface SetJson {
  name: string;
  evaluated: number;
  found: number;
  fallback: number;
  hasIdentities: boolean;
  labels: Record<string, number>;
  duplicates: { files: string[]; labels: string[]; identities: string[] }[];
  models: ModelJson[];
}

let dir: { path: string; dispose: () => Promise<void> };
before(async () => {
  dir = await tempDir();
});
after(() => dir?.dispose());

test('eval --help explains the metrics and the baselines', async () => {
  const result = await runCli(['eval', '--help']);
  assert.equal(result.code, 0);
  for (const word of ['triplet', 'hard', 'P@3', 'leak', '--held-out', 'faceres-identity', 'random']) assert.ok(result.stdout.includes(word), word);
});

test('eval: a mistake in the call exits 2 with what was expected', async () => {
  const cases: [string[], RegExp][] = [
    [['eval'], /Expected at least one face set folder/],
    [['eval', 'x', '--model', 'nope'], /Expected --model to list models among .*faceapi-hellinger.*random.*but got 'nope'/],
    [['eval', 'x', '--limit', '0'], /Expected --limit to be a whole number from 1/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')} -> ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test('eval --json on Yale: every figure per model; face-api beats the random floor', { skip: !yale }, async () => {
  const result = await runCli(['eval', yale!, '--model', 'faceapi-probs,random', '--limit', '60', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { sets } = JSON.parse(result.stdout) as { sets: SetJson[] };
  const set = sets[0]!;
  assert.equal(set.name, 'yale');
  assert.equal(set.evaluated, 60);
  assert.equal(set.found, 60);
  assert.ok(set.hasIdentities);
  assert.ok(!('neutral_variants' in set.labels), 'labels are mapped to one vocabulary');
  assert.deepEqual(set.models.map((m) => m.id), ['faceapi-probs@1', 'random@1']);
  const [probs, random] = set.models as [ModelJson, ModelJson];
  assert.equal(probs.triplet.triplets, 20_000);
  assert.ok(Math.abs(random.triplet.accuracy - 0.5) < 0.1, `random triplet ${random.triplet.accuracy}`);
  assert.ok(probs.triplet.accuracy > random.triplet.accuracy + 0.1);
  assert.ok(probs.precision.precision > probs.precision.chance);
  for (const m of set.models) {
    const { sameLabel, sameLabelChance } = m.leakage;
    assert.ok(sameLabel >= 0 && sameLabel <= 1 && sameLabelChance > 0 && sameLabelChance < 1, `${m.id} leak= ${sameLabel} (chance ${sameLabelChance})`);
  }
  console.log(`eval json: leak= ${set.models.map((m) => `${m.id} ${m.leakage.sameLabel.toFixed(3)} (chance ${m.leakage.sameLabelChance.toFixed(3)})`).join(', ')}`);
  assert.match(result.stderr, /Evaluating yale/, 'progress goes to stderr');
});

test('eval on a set without identities reports what applies and says so; unreadable images are counted', { skip: !yale }, async () => {
  const folder = join(dir.path, 'anonymous');
  await mkdir(folder, { recursive: true });
  const faces = readFaceSet(yale!).filter((f) => ['happy', 'surprised', 'sad'].includes(f.label));
  const lines = ['file,label,identity'];
  for (const [i, face] of faces.slice(0, 18).entries()) {
    await cp(face.path, join(folder, `${i}.png`));
    lines.push(`${i}.png,${face.label},`);
  }
  // The same photo filed again under another label.
  assert.equal(faces[0]!.label, 'happy');
  await cp(faces[0]!.path, join(folder, 'again.png'));
  lines.push('again.png,sad,');
  await writeFile(join(folder, 'broken.png'), 'not an image');
  lines.push('broken.png,happy,');
  await writeFile(join(folder, 'index.csv'), `${lines.join('\n')}\n`);
  const table = await runCli(['eval', folder, '--model', 'faceapi-probs']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /no identities/);
  assert.match(table.stdout, /unreadable 1/);
  assert.match(table.stdout, /faceapi-probs@1/);
  assert.match(table.stderr, /broken\.png/);
  assert.match(table.stdout, /byte-identical images: 1 group of 2 images .*0\.png = again\.png/);
  assert.match(table.stdout, /filed under different labels .*: 1: 0\.png \(happy\) = again\.png \(sad\)/);
  const json = await runCli(['eval', folder, '--model', 'faceapi-probs', '--json']);
  const set = (JSON.parse(json.stdout) as { sets: SetJson[] }).sets[0]!;
  assert.equal(set.hasIdentities, false);
  assert.equal(set.evaluated, 19);
  assert.deepEqual(set.duplicates, [{ files: ['0.png', 'again.png'], labels: ['happy', 'sad'], identities: ['', ''] }]);
  assert.equal(set.models[0]!.hardTriplet.triplets, 0);
});
