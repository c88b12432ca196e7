// `meme-mirror fetch` as a user runs it, against a real local HTTP server serving real memes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPath } from './helpers/data.js';
import { tempDir } from './helpers/workspace.js';
import { runCli } from './helpers/cli.js';

const seed = dataPath('memes/imgflip-seed');
const MEMES = ['10-Guy.jpg', 'Advice-Peeta.jpg', 'Chavez.jpg'];

let server: Server;
let base = '';
let dir: { path: string; dispose: () => Promise<void> };

before(async () => {
  dir = await tempDir();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/get_memes') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ success: true, data: { memes: MEMES.map((file, i) => ({ id: String(i), name: file.replace('.jpg', ''), url: `${base}/img/${file}`, width: 500, height: 500, box_count: 2 })) } }));
      return;
    }
    const name = url.pathname.replace('/img/', '');
    if (!seed || !MEMES.includes(name)) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    void readFile(join(seed, name)).then((bytes) => res.end(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dir.dispose();
});

const sha = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

test('fetch <list.csv>: checks every sha256, reports a failure, exits 1, and resumes without downloading again', { skip: !seed }, async () => {
  const list = join(dir.path, 'list.csv');
  const lines = ['url,sha256', ...(await Promise.all(MEMES.map(async (m) => `${base}/img/${m},${await sha(join(seed!, m))}`))), `${base}/img/missing.jpg,`];
  await writeFile(list, `${lines.join('\n')}\n`);
  const out = join(dir.path, 'list-out');
  const first = await runCli(['fetch', list, '--out', out, '--retries', '1']);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /3 downloaded, 0 already there, 1 failed/);
  assert.match(first.stderr, /missing\.jpg/);
  assert.match(first.stderr, /Downloading: 4\/4/, 'plain progress lines when piped');
  assert.deepEqual((await readdir(out)).sort(), [...MEMES].sort());
  for (const m of MEMES) assert.equal(await sha(join(out, m)), await sha(join(seed!, m)));
  const second = await runCli(['fetch', list, '--out', out]);
  assert.match(second.stderr, /0 downloaded, 3 already there, 1 failed/);
});

test('fetch imgflip: asks the get_memes API, downloads the templates and writes index.csv', { skip: !seed }, async () => {
  const out = join(dir.path, 'imgflip');
  const result = await runCli(['fetch', 'imgflip', '--out', out, '--limit', '2', '--api-url', `${base}/get_memes`]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /2 downloaded/);
  const csv = (await readFile(join(out, 'index.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'file,name,url,sha256,width,height');
  assert.equal(csv.length, 3);
  assert.ok(csv[1]!.includes(await sha(join(seed!, MEMES[0]!))));
});

test('fetch without --out, or --limit with a list, is a usage error', async () => {
  assert.equal((await runCli(['fetch', 'imgflip'])).code, 2);
  const both = await runCli(['fetch', 'list.csv', '--out', dir.path, '--limit', '3']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--limit and --api-url go with `fetch imgflip` only/);
});
