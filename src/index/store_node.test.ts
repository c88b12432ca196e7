import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isMemeMirrorError } from '../errors.js';
import { decodeIndex } from './format.js';
import { readIndexFile, writeIndexFile } from './store_node.js';
import { randomIndex, seededRandom } from './testing.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Kill attempts in the atomic-write test; at least one must land while the temp file is being written. */
const KILL_ATTEMPTS = 5;
/** Longest random wait between the temp file appearing and SIGKILL; writing the big index takes longer. */
const MAX_KILL_DELAY_MS = 15;

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'meme-index-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('writeIndexFile then readIndexFile round-trips and leaves no temp file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'memes.idx');
    const first = randomIndex(1, { fileCount: 10, facesPerFile: 2, dims: 8 });
    await writeIndexFile(path, first);
    assert.deepEqual((await readIndexFile(path)).toData(), first.toData());

    const second = randomIndex(2, { fileCount: 20, facesPerFile: 1, dims: 8 });
    await writeIndexFile(path, second);
    assert.deepEqual((await readIndexFile(path, { modelId: 'test-model@1', dims: 8 })).toData(), second.toData());
    assert.deepEqual(await readdir(dir), ['memes.idx']);
  });
});

test('readIndexFile: NOT_FOUND for a missing file; messages name the file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'missing.idx');
    await assert.rejects(readIndexFile(path), (e) => isMemeMirrorError(e, 'NOT_FOUND') && e.file === path);

    await writeIndexFile(path, randomIndex(1, { fileCount: 2, facesPerFile: 1, dims: 8 }));
    await assert.rejects(
      readIndexFile(path, { modelId: 'other@1' }),
      (e) => isMemeMirrorError(e, 'INDEX_MISMATCH') && e.message.startsWith(`${path} was made by model "test-model@1"`),
    );
  });
});

test('writeIndexFile: a failed write throws and removes its temp file', async () => {
  await withTempDir(async (dir) => {
    const index = randomIndex(1, { fileCount: 2, facesPerFile: 1, dims: 8 });
    await assert.rejects(writeIndexFile(join(dir, 'no-such-folder', 'memes.idx'), index), (e) =>
      isMemeMirrorError(e, 'NOT_FOUND'),
    );
    // Renaming a file over a folder fails after the temp file is written.
    await mkdir(join(dir, 'taken.idx'));
    await assert.rejects(writeIndexFile(join(dir, 'taken.idx'), index));
    assert.deepEqual(await readdir(dir), ['taken.idx']);
  });
});

test('a writer SIGKILLed at random moments leaves the previous file intact', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'memes.idx');
    await writeIndexFile(path, randomIndex(1, { fileCount: 20, facesPerFile: 2, dims: 8 }));
    const previous = await readFile(path);
    const random = seededRandom(5);
    // The child writes a ~45 MB index over `path`.
    const childScript = `
      import { randomIndex } from ${JSON.stringify(new URL('./testing.ts', import.meta.url).href)};
      import { writeIndexFile } from ${JSON.stringify(new URL('./store_node.ts', import.meta.url).href)};
      const index = randomIndex(2, { fileCount: 1000, facesPerFile: 100, dims: 128 });
      await writeIndexFile(process.argv[1], index);`;

    let killedMidWrite = 0;
    for (let attempt = 0; attempt < KILL_ATTEMPTS; attempt++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript, path], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = once(child, 'exit');
      const temps = async () => (await readdir(dir)).filter((name) => name.includes('.tmp-'));
      while ((await temps()).length === 0 && child.exitCode === null) await sleep(0);
      await sleep(random() * MAX_KILL_DELAY_MS);
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      assert.equal(signal, 'SIGKILL', `the child ended before it was killed (exit code ${code})`);

      const leftovers = await temps();
      const now = await readFile(path);
      if (leftovers.length > 0) {
        // Killed between creating the temp file and renaming it: the target must be untouched.
        killedMidWrite++;
        assert.deepEqual(now, previous);
        assert.equal((await decodeIndex(now)).size, 32);
      } else {
        // Killed after the rename: the target must be the complete new index.
        assert.equal((await decodeIndex(now)).size, 80_000);
      }
      await Promise.all(leftovers.map((name) => rm(join(dir, name))));
      await writeIndexFile(path, await decodeIndex(previous));
    }
    assert.ok(killedMidWrite >= 1, `no kill landed mid-write in ${KILL_ATTEMPTS} attempts`);
  });
});
