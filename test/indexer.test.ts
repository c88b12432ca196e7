// Building and updating an index on real memes: incremental re-index, bad files, model mismatch,
// and a run killed in the middle that the next run resumes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, unlink, utimes, copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MemeMirror, MemeIndex, buildIndex, readIndexFile, writeIndexFile, isMemeMirrorError } from '../src/index.js';
import { dataPath } from './helpers/data.js';
import { copySome, tempDir } from './helpers/workspace.js';
import { startCli } from './helpers/cli.js';

const seed = dataPath('memes/imgflip-seed');
const memegen = dataPath('memes/memegen');

let mm: MemeMirror;
before(async () => {
  mm = await MemeMirror.create();
});
after(() => mm?.close());

test('re-indexing embeds only new or changed images, drops deleted ones and records bad files', { skip: !seed || !memegen }, async () => {
  const dir = await tempDir();
  try {
    const memes = join(dir.path, 'memes');
    const names = await copySome(seed!, memes, 8);
    await copySome(memegen!, memes, 1, (n) => n.endsWith('.gif'));
    const good = await readFile(join(memes, names[0]!));
    await writeFile(join(memes, 'truncated.jpg'), good.subarray(0, good.length / 2));
    await writeFile(join(memes, 'notes.png'), 'this is not a picture');
    const out = join(dir.path, 'memes.idx');

    const first = await buildIndex(mm, { inputs: [memes], out });
    assert.equal(first.images, 11);
    assert.equal(first.embedded, 9);
    assert.equal(first.errors.length, 2);
    for (const e of first.errors) assert.match(e.error, /truncated\.jpg|notes\.png/, 'an error names its file');
    assert.ok(first.faces >= 6, `expected faces in most of the 8 photos, got ${first.faces}`);
    const index = await readIndexFile(out, { modelId: mm.modelId });
    assert.equal(index.files().length, 11);
    assert.ok(index.files().every((f) => !f.path.startsWith('/') && f.path.startsWith('memes/')), 'paths are relative to the index folder');

    const again = await buildIndex(mm, { inputs: [memes], out });
    assert.deepEqual([again.embedded, again.reused, again.removed, again.errors.length], [0, 9, 0, 2]);
    assert.equal(again.faces, first.faces);

    // Change one image's content, touch another (same content, new time), delete one, add one.
    await copyFile(join(seed!, names[7]!), join(memes, names[1]!));
    const later = new Date(Date.now() + 60_000);
    await utimes(join(memes, names[2]!), later, later);
    await unlink(join(memes, names[3]!));
    await copySome(seed!, join(dir.path, 'more'), 1, (n) => !names.includes(n));
    const [added] = await readdir(join(dir.path, 'more'));
    await copyFile(join(dir.path, 'more', added!), join(memes, added!));

    const third = await buildIndex(mm, { inputs: [memes], out });
    assert.equal(third.embedded, 2, 'the changed and the added image');
    assert.equal(third.removed, 1);
    assert.equal(third.reused, 7, 'the touched image keeps its embeddings');
    const after3 = await readIndexFile(out);
    assert.equal(after3.fileByPath(`memes/${names[3]}`), undefined);
    assert.ok(after3.fileByPath(`memes/${added}`));
    const touched = after3.fileByPath(`memes/${names[2]}`)?.mtimeMs ?? 0;
    assert.ok(Math.abs(touched - later.getTime()) < 1, 'the touched image has its new time stamp');
  } finally {
    await dir.dispose();
  }
});

test('an index made by another model is refused with the advice to re-index; --rebuild starts afresh', { skip: !seed }, async () => {
  const dir = await tempDir();
  try {
    const memes = join(dir.path, 'memes');
    await copySome(seed!, memes, 2);
    const out = join(dir.path, 'old.idx');
    await writeIndexFile(out, MemeIndex.empty('some-older-model@0', 5));
    await assert.rejects(buildIndex(mm, { inputs: [memes], out }), (error: unknown) => {
      assert.ok(isMemeMirrorError(error, 'INDEX_MISMATCH'));
      assert.match(error.message, /some-older-model@0/);
      assert.match(error.message, /re-index/);
      assert.match(error.message, /--rebuild/);
      return true;
    });
    const rebuilt = await buildIndex(mm, { inputs: [memes], out, rebuild: true });
    assert.equal(rebuilt.embedded, 2);
    assert.equal((await readIndexFile(out)).modelId, mm.modelId);
  } finally {
    await dir.dispose();
  }
});

test('a run killed in the middle leaves a valid index that the next run resumes', { skip: !seed }, async () => {
  const TOTAL = 48;
  const CHECKPOINT = 8;
  const dir = await tempDir();
  try {
    const memes = join(dir.path, 'memes');
    await copySome(seed!, memes, TOTAL);
    const out = join(dir.path, 'memes.idx');
    const child = startCli(['index', memes, '--out', out, '--checkpoint', String(CHECKPOINT)]);
    // Piped progress prints a line every 10% ("Indexing: 20/48 ..."): kill once past a checkpoint.
    const killedAt = await new Promise<number>((resolve, reject) => {
      let seen = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const done = [...seen.matchAll(/Indexing: (\d+)\/\d+/g)].map((m) => Number(m[1]));
        const last = done.at(-1) ?? 0;
        if (last >= 2 * CHECKPOINT + 2 && last < TOTAL) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('close', () => reject(new Error(`the indexer ended before it could be killed:\n${seen}`)));
    });
    await new Promise((r) => child.on('close', r));
    const partial = await readIndexFile(out, { modelId: mm.modelId });
    const kept = partial.files().length;
    assert.ok(kept >= 2 * CHECKPOINT && kept <= killedAt, `killed at ${killedAt}: the last checkpoint holds ${kept} images`);
    assert.ok(kept < TOTAL);

    const resumed = await buildIndex(mm, { inputs: [memes], out });
    assert.equal(resumed.reused, kept, 'what was indexed before the kill is not embedded again');
    assert.equal(resumed.embedded, TOTAL - kept);
    assert.deepEqual((await readdir(dir.path)).filter((n) => n.includes('.tmp-')), [], 'no temporary file is left');
    const full = await readIndexFile(out);
    assert.equal(full.files().length, TOTAL);

    const fresh = await buildIndex(mm, { inputs: [memes], out: join(dir.path, 'fresh.idx') });
    assert.equal(full.size, fresh.faces, 'the resumed index has the faces an uninterrupted run finds');
  } finally {
    await dir.dispose();
  }
});
