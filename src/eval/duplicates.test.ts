import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteIdenticalGroups, duplicateGroups } from './duplicates.js';
import { readFaceSetFolder } from './face_set.js';
import { dataPath } from '../../test/helpers/data.js';

const yale = dataPath('expressions/yale');

test('byteIdenticalGroups finds the files with the same bytes, sorted, and leaves unreadable ones out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mm-dup-'));
  try {
    const files = ['b.png', 'a.png', 'c.png', 'd.png'];
    await writeFile(join(dir, 'a.png'), 'same bytes');
    await writeFile(join(dir, 'b.png'), 'same bytes');
    await writeFile(join(dir, 'c.png'), 'other bytes');
    await writeFile(join(dir, 'd.png'), 'same bytes ');
    const groups = await byteIdenticalGroups([...files, 'missing.png'].map((file) => ({ file, path: join(dir, file) })));
    assert.deepEqual(groups, [['a.png', 'b.png']]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Yale: 9 photos are filed twice, one of them as neutral and as sad', { skip: !yale }, async () => {
  const set = await readFaceSetFolder(yale!);
  const groups = await duplicateGroups(set.entries);
  const pair = (s: string, other: string) => [`neutral/subject${s}.normal.png`, other];
  assert.deepEqual(
    groups.map((g) => g.files),
    [
      pair('02', 'neutral_variants/subject02.noglasses.png'),
      pair('03', 'neutral_variants/subject03.noglasses.png'),
      pair('04', 'sad/subject04.sad.png'),
      pair('06', 'neutral_variants/subject06.noglasses.png'),
      pair('07', 'neutral_variants/subject07.noglasses.png'),
      pair('08', 'neutral_variants/subject08.glasses.png'),
      pair('09', 'neutral_variants/subject09.noglasses.png'),
      pair('12', 'neutral_variants/subject12.noglasses.png'),
      pair('14', 'neutral_variants/subject14.noglasses.png'),
    ],
  );
  assert.deepEqual(groups[2], { files: pair('04', 'sad/subject04.sad.png'), labels: ['neutral', 'sad'], identities: ['subject04', 'subject04'] });
  assert.ok(groups.every((g) => g.identities[0] === g.identities[1]));
});

test('byteIdenticalGroups uses the digests it is given instead of reading the files again', async () => {
  const known = new Map([
    ['/nowhere/a.png', 'd1'],
    ['/nowhere/b.png', 'd2'],
    ['/nowhere/c.png', 'd1'],
  ]);
  const digestOf = async (path: string): Promise<string> => known.get(path) ?? Promise.reject(new Error(`no digest for ${path}`));
  const files = ['c.png', 'b.png', 'a.png', 'gone.png'].map((file) => ({ file, path: `/nowhere/${file}` }));
  assert.deepEqual(await byteIdenticalGroups(files, digestOf), [['a.png', 'c.png']]);
});
