// The meme-mirror command as a user runs it: real process, real files, exit codes and output contracts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemeIndex, writeIndexFile } from '../src/index.js';
import { dataPath } from './helpers/data.js';
import { copySome, tempDir } from './helpers/workspace.js';
import { runCli } from './helpers/cli.js';

const seed = dataPath('memes/imgflip-seed');
const yale = dataPath('expressions/yale');
const HAPPY = yale ? join(yale, 'happy/subject02.happy.png') : '';

let dir: { path: string; dispose: () => Promise<void> };
let index = '';
before(async () => {
  dir = await tempDir();
  if (!seed) return;
  await copySome(seed, join(dir.path, 'memes'), 12);
  index = join(dir.path, 'memes.idx');
  const built = await runCli(['index', join(dir.path, 'memes'), '--out', index]);
  assert.equal(built.code, 0, built.stderr);
});
after(() => dir?.dispose());

test('--help lists the commands; each command has its own help', async () => {
  const main = await runCli(['--help']);
  assert.equal(main.code, 0);
  for (const command of ['index', 'match', 'embed', 'fetch']) assert.match(main.stdout, new RegExp(`\\b${command}\\b`));
  const match = await runCli(['match', '--help']);
  assert.equal(match.code, 0);
  assert.match(match.stdout, /--top K/);
});

test('a mistake in the call exits 2 with what was expected and the usage', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /Unknown command 'frobnicate'; expected one of index, match, embed, fetch/],
    [['match', 'x.jpg'], /Expected --index FILE/],
    [['index', 'memes'], /Expected --out FILE/],
    [['match', 'x.jpg', '--index', 'y.idx', '--top', 'three'], /Expected --top to be a whole number from 1 to 1000, but got 'three'/],
    [['embed', 'x.jpg', '--backend', 'gpu'], /Expected --backend to be wasm or cpu, but got 'gpu'/],
    [['embed', 'x.jpg', '--model', 'nope'], /Expected --model to be one of .*but got 'nope'/],
    [['index', 'memes', '--out', 'x.idx', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')} -> ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /Usage: meme-mirror/);
  }
});

test('embed --json: one object per image and line; a bad file is reported and the batch goes on', { skip: !yale }, async () => {
  const bad = join(dir.path, 'broken.jpg');
  await writeFile(bad, 'not a jpeg at all');
  const result = await runCli(['embed', HAPPY, bad, join(yale!, 'surprised/subject03.surprised.png'), '--json']);
  assert.equal(result.code, 1, 'exit 1 when any file failed');
  const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  const [happy, broken, surprised] = lines as [Record<string, any>, Record<string, any>, Record<string, any>];
  for (const ok of [happy, surprised]) {
    assert.equal(typeof ok['file'], 'string');
    assert.equal(ok['faces'].length, 1);
    const face = ok['faces'][0];
    assert.equal(face.box.length, 4);
    assert.ok(face.box.every(Number.isInteger));
    assert.ok(face.score > 0.5 && face.score <= 1);
    assert.equal(face.embedding.length, ok['dims']);
    assert.ok(ok['dims'] >= 7 && ok['dims'] <= 64);
  }
  assert.equal(broken['file'], bad);
  assert.match(broken['error'], /broken\.jpg/);
  assert.equal(broken['faces'], undefined);
});

test('match --json: three matches per face, nearest first, files that exist', { skip: !seed || !yale }, async () => {
  const result = await runCli(['match', HAPPY, '--index', index, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { file: string; faces: { box: number[]; matches: { file: string; box: number[]; distance: number }[] }[] };
  assert.equal(parsed.file, HAPPY);
  assert.equal(parsed.faces.length, 1);
  const { matches } = parsed.faces[0]!;
  assert.equal(matches.length, 3);
  for (let i = 1; i < matches.length; i++) assert.ok(matches[i - 1]!.distance <= matches[i]!.distance, 'nearest first');
  for (const m of matches) {
    await readFile(m.file); // relative to the working directory, so a user can open it
    assert.equal(m.box.length, 4);
  }
  const top5 = JSON.parse((await runCli(['match', HAPPY, '--index', index, '--json', '--top', '5'])).stdout) as typeof parsed;
  assert.equal(top5.faces[0]!.matches.length, 5);
  assert.deepEqual(top5.faces[0]!.matches.slice(0, 3), matches);
});

test('match prints a readable table by default', { skip: !seed || !yale }, async () => {
  const result = await runCli(['match', HAPPY, '--index', index]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /1 face/);
  assert.match(result.stdout, /^\s+1\. \d\.\d{3}\s+\S+\.jpg/m);
});

test('match against an index of another model exits 1 and says to re-index', { skip: !yale }, async () => {
  const old = join(dir.path, 'old.idx');
  await writeIndexFile(old, MemeIndex.empty('some-older-model@0', 5));
  const result = await runCli(['match', HAPPY, '--index', old]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /some-older-model@0/);
  assert.match(result.stderr, /re-index with `meme-mirror index <folder> --out .*old\.idx`/);
  assert.match(result.stderr, /\[INDEX_MISMATCH\]/);
});

test('a corrupt index file is refused, naming the file', async () => {
  const broken = join(dir.path, 'broken.idx');
  await writeFile(broken, 'MEMEIDX\0 and then garbage');
  const result = await runCli(['match', HAPPY || 'x.jpg', '--index', broken]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /broken\.idx/);
  assert.match(result.stderr, /\[INDEX_(CORRUPT|MISMATCH)\]/);
});

test('index --json prints the closing summary', { skip: !seed }, async () => {
  const result = await runCli(['index', join(dir.path, 'memes'), '--out', index, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as Record<string, number>;
  assert.equal(summary['images'], 12);
  assert.equal(summary['reused'], 12);
  assert.equal(summary['embedded'], 0);
});
