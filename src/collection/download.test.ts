// downloadAll, fetchList and fetchImgflip against a real local HTTP server serving the shared meme files in place.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { dataPath } from '../../test/helpers/data.js';
import { isMemeMirrorError } from '../errors.js';
import type { DownloadEntry, DownloadProgress } from './collection_types.js';
import { downloadAll, fetchList } from './download.js';
import { fetchImgflip } from './imgflip.js';

const SEED_DIR = dataPath('memes/imgflip-seed');
const MEMEGEN_DIR = dataPath('memes/memegen');
/** Small enough to keep the suite fast, large enough for a local server on a loaded machine. */
const FAST = { retries: 2, backoffMs: 5, timeoutMs: 300 } as const;
/** Bounds each test: a hang must fail, not block the suite. */
const TEST_TIMEOUT_MS = 15_000;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The shared source files a route serves; read once. */
function source(dir: 'seed' | 'memegen', file: string): Buffer {
  return readFileSync(join(dir === 'seed' ? SEED_DIR! : MEMEGEN_DIR!, file));
}

describe('collection against a local HTTP server', { skip: !SEED_DIR || !MEMEGEN_DIR }, () => {
  let server: Server;
  let base = '';
  let outDir = '';
  /** Requests per path since the current test started. */
  const requests = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let getMemesBody = '';

  const count = (path: string): number => requests.get(path) ?? 0;
  const url = (path: string): string => `${base}${path}`;

  function serve(res: ServerResponse, data: Buffer): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(data);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const n = count(path) + 1;
    requests.set(path, n);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const [, kind = '', name = ''] = path.split('/');
    const file = basename(decodeURIComponent(name));
    switch (kind) {
      case 'seed':
      case 'memegen':
        return serve(res, source(kind, file));
      case 'slow': // for the concurrency test
        setTimeout(() => serve(res, source('seed', file)), 50);
        return;
      case 'flaky': // 500 twice, then the file
        if (n <= 2) return void res.writeHead(500).end('try later');
        return serve(res, source('seed', file));
      case 'silent': // not even headers
        return;
      case 'stall': // headers, then nothing ever
        res.writeHead(200, { 'content-length': 1000 });
        res.flushHeaders();
        return;
      case 'truncate': // Content-Length of the whole file, half of it, then the socket dies
      case 'truncate-once': {
        const data = source('seed', file);
        if (kind === 'truncate-once' && n > 1) return serve(res, data);
        res.writeHead(200, { 'content-length': data.length });
        res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy());
        return;
      }
      case 'api':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(getMemesBody);
        return;
      default:
        res.writeHead(404).end('not found');
    }
  }

  before(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections(); // the stalled responses
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(async () => {
    requests.clear();
    maxInFlight = 0;
    outDir = await mkdtemp(join(tmpdir(), 'meme-mirror-collection-'));
  });
  afterEach(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const listFiles = async (): Promise<string[]> => (await readdir(outDir)).sort();

  describe('downloadAll / fetchList', () => {
    it('downloads good files and reports each kind of failure, leaving no partial file', { timeout: TEST_TIMEOUT_MS }, async () => {
      const guy = source('seed', '10-Guy.jpg');
      const astronaut = source('memegen', 'astronaut-default.png');
      const lines = [
        'url,sha256',
        '# good, with and without sha256',
        `${url('/seed/10-Guy.jpg')},${sha256(guy)}`,
        `${url('/memegen/astronaut-default.png')},${sha256(astronaut)}`,
        url('/memegen/buzz-default.gif'),
        `${url('/seed/Advice-God.jpg')},${'0'.repeat(64)}`,
        url('/missing/nothing.jpg'),
        url('/stall/stalled.jpg'),
        url('/truncate/Advice-Yoda.jpg'),
        url('/truncate-once/Angry-Baby.jpg'),
        `${url('/flaky/Archer.jpg')},${sha256(source('seed', 'Archer.jpg'))}`,
      ];
      const listPath = join(outDir, 'list.csv');
      await writeFile(listPath, `${lines.join('\n')}\n`);
      const memes = join(outDir, 'memes');
      // a stale part of a killed run, which must not be trusted nor left behind
      await mkdir(memes);
      await writeFile(join(memes, '10-Guy.jpg.part'), 'half of something');

      const events: DownloadProgress[] = [];
      const bytesSeen = new Map<string, number>();
      const started = Date.now();
      const summary = await fetchList(listPath, memes, {
        ...FAST,
        onProgress: (event) => events.push(event),
        onBytes: ({ file, received }) => bytesSeen.set(file, received),
      });
      const elapsed = Date.now() - started;

      assert.deepEqual(summary.downloaded, ['10-Guy.jpg', 'astronaut-default.png', 'buzz-default.gif', 'Angry-Baby.jpg', 'Archer.jpg']);
      assert.deepEqual(summary.skipped, []);
      const failed = Object.fromEntries(summary.failed.map((f) => [f.file, f]));
      assert.deepEqual(Object.keys(failed), ['Advice-God.jpg', 'nothing.jpg', 'stalled.jpg', 'Advice-Yoda.jpg']);
      assert.equal(failed['Advice-God.jpg']?.code, 'CHECKSUM_MISMATCH');
      assert.match(failed['Advice-God.jpg']?.error ?? '', /after 3 attempts: expected sha256 0{64}, got [0-9a-f]{64}/);
      assert.equal(failed['nothing.jpg']?.code, 'DOWNLOAD_FAILED');
      assert.match(failed['nothing.jpg']?.error ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/missing\/nothing\.jpg failed: HTTP 404 Not Found$/);
      assert.equal(failed['stalled.jpg']?.code, 'DOWNLOAD_FAILED');
      assert.match(failed['stalled.jpg']?.error ?? '', /after 3 attempts: no data received for 300 ms/);
      assert.equal(failed['Advice-Yoda.jpg']?.code, 'DOWNLOAD_FAILED');
      assert.match(failed['Advice-Yoda.jpg']?.error ?? '', /after 3 attempts: (terminated|body truncated)/);
      for (const f of summary.failed) assert.equal(f.url, url(new URL(f.url).pathname));

      // requests: retried failures use retries + 1 attempts, a 404 one, the flaky route succeeded on its third
      assert.equal(count('/seed/Advice-God.jpg'), 3);
      assert.equal(count('/missing/nothing.jpg'), 1);
      assert.equal(count('/stall/stalled.jpg'), 3);
      assert.equal(count('/truncate/Advice-Yoda.jpg'), 3);
      assert.equal(count('/truncate-once/Angry-Baby.jpg'), 2);
      assert.equal(count('/flaky/Archer.jpg'), 3);
      assert.ok(elapsed < 5_000, `took ${elapsed} ms`);

      // only complete, verified files under final names; no .part, nothing for the failures
      assert.deepEqual(await readdir(memes).then((f) => f.sort()), [...summary.downloaded].sort());
      for (const [file, dir, name] of [
        ['10-Guy.jpg', 'seed', '10-Guy.jpg'],
        ['astronaut-default.png', 'memegen', 'astronaut-default.png'],
        ['buzz-default.gif', 'memegen', 'buzz-default.gif'],
        ['Angry-Baby.jpg', 'seed', 'Angry-Baby.jpg'],
        ['Archer.jpg', 'seed', 'Archer.jpg'],
      ] as const) {
        assert.equal(sha256(await readFile(join(memes, file))), sha256(source(dir, name)), file);
      }

      // one progress event per entry, done counting up to the total
      assert.equal(events.length, 9);
      assert.deepEqual(events.map((e) => e.done), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(events.every((e) => e.total === 9));
      const astronautEvent = events.find((e) => e.file === 'astronaut-default.png');
      assert.deepEqual(astronautEvent, {
        done: astronautEvent?.done,
        total: 9,
        file: 'astronaut-default.png',
        url: url('/memegen/astronaut-default.png'),
        status: 'downloaded',
        bytes: astronaut.length,
      });
      const failedEvent = events.find((e) => e.file === 'nothing.jpg');
      assert.equal(failedEvent?.status, 'failed');
      assert.equal(failedEvent?.bytes, 0);
      assert.equal(failedEvent?.error, failed['nothing.jpg']?.error);
      assert.equal(bytesSeen.get('astronaut-default.png'), astronaut.length);

      // the same list again: what is there is skipped without a request, only the failures are tried again
      requests.clear();
      const again = await fetchList(listPath, memes, FAST);
      assert.deepEqual(again.skipped, summary.downloaded);
      assert.deepEqual(again.downloaded, []);
      assert.deepEqual(again.failed.map((f) => f.file), Object.keys(failed));
      const retried = ['/missing/nothing.jpg', '/seed/Advice-God.jpg', '/stall/stalled.jpg', '/truncate/Advice-Yoda.jpg'];
      assert.deepEqual([...requests.keys()].sort(), retried);
    });

    it('times out a server that never answers', { timeout: TEST_TIMEOUT_MS }, async () => {
      const started = Date.now();
      const summary = await downloadAll([{ url: url('/silent/x.jpg'), file: 'x.jpg' }], outDir, { ...FAST, retries: 0 });
      assert.match(summary.failed[0]?.error ?? '', /failed: no data received for 300 ms$/);
      assert.ok(Date.now() - started < 2_000);
      assert.deepEqual(await listFiles(), []);
    });

    it('a progress callback that throws rejects the batch', { timeout: TEST_TIMEOUT_MS }, async () => {
      const entries = [{ url: url('/seed/10-Guy.jpg'), file: 'a.jpg' }];
      const onProgress = (): void => {
        throw new Error('callback bug');
      };
      await assert.rejects(downloadAll(entries, outDir, { ...FAST, onProgress }), /callback bug/);
    });

    it('a second run skips the files already there without a request, and retries only the rest', { timeout: TEST_TIMEOUT_MS }, async () => {
      const guy = source('seed', '10-Guy.jpg');
      const entries: DownloadEntry[] = [
        { url: url('/seed/10-Guy.jpg'), file: '10-Guy.jpg', sha256: sha256(guy) },
        { url: url('/memegen/ackbar-default.jpg'), file: 'ackbar.jpg' },
        { url: url('/seed/Advice-God.jpg'), file: 'god.jpg', sha256: sha256(source('seed', 'Advice-God.jpg')) },
        { url: url('/missing/a.jpg'), file: 'a.jpg' },
      ];
      const first = await downloadAll(entries, outDir, FAST);
      assert.deepEqual(first.downloaded, ['10-Guy.jpg', 'ackbar.jpg', 'god.jpg']);

      // god.jpg damaged since: its sha256 no longer matches, so it is downloaded again
      await writeFile(join(outDir, 'god.jpg'), 'damaged');
      requests.clear();
      const events: DownloadProgress[] = [];
      const second = await downloadAll(entries, outDir, { ...FAST, onProgress: (e) => events.push(e) });
      assert.deepEqual(second.skipped, ['10-Guy.jpg', 'ackbar.jpg']);
      assert.deepEqual(second.downloaded, ['god.jpg']);
      assert.deepEqual(second.failed.map((f) => f.file), ['a.jpg']);
      assert.equal(count('/seed/10-Guy.jpg'), 0);
      assert.equal(count('/memegen/ackbar-default.jpg'), 0);
      assert.equal(count('/seed/Advice-God.jpg'), 1);
      assert.equal(events.find((e) => e.file === '10-Guy.jpg')?.bytes, guy.length);
      assert.deepEqual(await listFiles(), ['10-Guy.jpg', 'ackbar.jpg', 'god.jpg']);
    });

    it('a file whose sha256 never matches is not kept, even when a wrong one was there before', { timeout: TEST_TIMEOUT_MS }, async () => {
      await writeFile(join(outDir, 'god.jpg'), 'old content');
      const summary = await downloadAll([{ url: url('/seed/Advice-God.jpg'), file: 'god.jpg', sha256: 'f'.repeat(64) }], outDir, FAST);
      assert.equal(summary.failed[0]?.code, 'CHECKSUM_MISMATCH');
      assert.deepEqual(await listFiles(), []);
    });

    it('runs at most `concurrency` requests at once', { timeout: TEST_TIMEOUT_MS }, async () => {
      const files = ['10-Guy.jpg', 'Advice-God.jpg', 'Advice-Yoda.jpg', 'Angry-Baby.jpg', 'Archer.jpg'];
      const summary = await downloadAll(files.map((file) => ({ url: url(`/slow/${file}`), file })), outDir, { ...FAST, concurrency: 2 });
      assert.deepEqual(summary.downloaded, files);
      assert.equal(maxInFlight, 2);
    });

    it('fails without retry a file larger than maxBytes', { timeout: TEST_TIMEOUT_MS }, async () => {
      const summary = await downloadAll([{ url: url('/memegen/astronaut-default.png'), file: 'big.png' }], outDir, { ...FAST, maxBytes: 1000 });
      assert.match(summary.failed[0]?.error ?? '', /failed: larger than maxBytes \(1000 bytes\)$/);
      assert.equal(count('/memegen/astronaut-default.png'), 1);
      assert.deepEqual(await listFiles(), []);
    });

    it('uses an injected fetch; a body shorter than its Content-Length is retried, then reported', { timeout: TEST_TIMEOUT_MS }, async () => {
      let calls = 0;
      const fetch = async (): Promise<Response> => {
        calls += 1;
        return new Response('short', { headers: { 'content-length': '100' } });
      };
      const summary = await downloadAll([{ url: 'https://example.invalid/x.jpg', file: 'x.jpg' }], outDir, { ...FAST, fetch });
      assert.equal(calls, 3);
      assert.match(summary.failed[0]?.error ?? '', /after 3 attempts: body truncated: received 5 of 100 bytes$/);
      assert.deepEqual(await listFiles(), []);
    });

    it('reports a refused connection as a failed download', { timeout: TEST_TIMEOUT_MS }, async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const summary = await downloadAll([{ url: `http://127.0.0.1:${port}/x.jpg`, file: 'x.jpg' }], outDir, { ...FAST, retries: 1 });
      assert.equal(summary.failed[0]?.code, 'DOWNLOAD_FAILED');
      assert.match(summary.failed[0]?.error ?? '', /after 2 attempts: fetch failed \(.*ECONNREFUSED/);
    });

    it('rejects unsafe or duplicate entries before downloading anything', async () => {
      const bad: [DownloadEntry, RegExp][] = [
        [{ url: url('/seed/10-Guy.jpg'), file: '../10-Guy.jpg' }, /entries\[1\]\.file to be a plain file name/],
        [{ url: url('/seed/10-Guy.jpg'), file: 'X.JPG' }, /entries\[1\]\.file names to be unique.*"X.JPG" comes twice/],
        [{ url: url('/seed/10-Guy.jpg'), file: 'y.jpg.part' }, /entries\[1\]\.file to be a plain file name/],
        [{ url: 'file:///etc/passwd', file: 'y.jpg' }, /entries\[1\]\.url to be an http\(s\) URL/],
        [{ url: url('/seed/10-Guy.jpg'), file: 'y.jpg', sha256: 'abc' }, /entries\[1\]\.sha256 to be 64 lowercase hex digits/],
      ];
      for (const [entry, message] of bad) {
        const entries = [{ url: url('/seed/10-Guy.jpg'), file: 'x.jpg' }, entry];
        await assert.rejects(downloadAll(entries, outDir, FAST), { code: 'INVALID_OPTION', message });
      }
      assert.equal(requests.size, 0);
    });

    it('fetchList: a missing list is NOT_FOUND, a bad line INVALID_OPTION', async () => {
      await assert.rejects(fetchList(join(outDir, 'nope.csv'), outDir), (error: unknown) => isMemeMirrorError(error, 'NOT_FOUND'));
      const listPath = join(outDir, 'bad.csv');
      await writeFile(listPath, 'url,sha256\nhttp://x/a.jpg,nothex\n');
      await assert.rejects(fetchList(listPath, outDir), { code: 'INVALID_OPTION', message: new RegExp(`^${listPath}:2: expected`) });
    });
  });

  describe('fetchImgflip', () => {
    const memes = () => [
      { id: '1', name: '10 Guy', url: url('/seed/10-Guy.jpg'), width: 500, height: 454, box_count: 2 },
      { id: '2', name: 'Advice "God", again', url: url('/seed/Advice-God.jpg'), width: 500, height: 500, box_count: 2 },
      { id: '3', name: 'Ackbar/Trap', url: url('/memegen/ackbar-default.jpg'), width: 600, height: 400, box_count: 2 },
      { id: '4', name: 'Gone', url: url('/missing/gone.png'), width: 10, height: 10, box_count: 1 },
      { id: '5', name: 'Astronaut', url: url('/memegen/astronaut-default.png'), width: 1, height: 1, box_count: 2 },
    ];

    it('downloads the memes, writes index.csv, and a second run skips them', { timeout: TEST_TIMEOUT_MS }, async () => {
      getMemesBody = JSON.stringify({ success: true, data: { memes: memes() } });
      const options = { ...FAST, apiUrl: url('/api/get_memes'), limit: 4 };
      const summary = await fetchImgflip(outDir, options);
      assert.deepEqual(summary.downloaded, ['10-Guy.jpg', 'Advice-_God_-again.jpg', 'Ackbar_Trap.jpg']);
      assert.deepEqual(summary.failed.map((f) => [f.file, f.code]), [['Gone.png', 'DOWNLOAD_FAILED']]);
      assert.equal(count('/memegen/astronaut-default.png'), 0); // beyond the limit
      const index = [
        'file,name,url,sha256,width,height',
        `10-Guy.jpg,10 Guy,${url('/seed/10-Guy.jpg')},${sha256(source('seed', '10-Guy.jpg'))},500,454`,
        `Advice-_God_-again.jpg,"Advice ""God"", again",${url('/seed/Advice-God.jpg')},${sha256(source('seed', 'Advice-God.jpg'))},500,500`,
        `Ackbar_Trap.jpg,Ackbar/Trap,${url('/memegen/ackbar-default.jpg')},${sha256(source('memegen', 'ackbar-default.jpg'))},600,400`,
        '',
      ].join('\n');
      assert.equal(await readFile(join(outDir, 'index.csv'), 'utf8'), index);
      assert.deepEqual(await listFiles(), ['10-Guy.jpg', 'Ackbar_Trap.jpg', 'Advice-_God_-again.jpg', 'index.csv']);

      requests.clear();
      const again = await fetchImgflip(outDir, options);
      assert.deepEqual(again.skipped, summary.downloaded);
      assert.deepEqual(again.downloaded, []);
      assert.deepEqual([...requests.keys()].sort(), ['/api/get_memes', '/missing/gone.png']);
      assert.equal(await readFile(join(outDir, 'index.csv'), 'utf8'), index);
    });

    const badAnswers: [string, string, RegExp][] = [
      ['not JSON', 'not json', /but got invalid JSON/],
      ['success false', JSON.stringify({ success: false, error_message: 'down for maintenance' }), /but success is false: down for maintenance$/],
      ['no memes', JSON.stringify({ success: true, data: {} }), /but data\.memes is undefined$/],
      [
        'a meme without url',
        JSON.stringify({ success: true, data: { memes: [{ id: '1', name: 'x', width: 1, height: 1, box_count: 1 }] } }),
        /but data\.memes\[0\]\.url is undefined, not a string$/,
      ],
      ['an array', '[]', /but got an array$/],
    ];
    for (const [what, body, message] of badAnswers) {
      it(`rejects an API answer that is ${what}, naming the URL`, async () => {
        getMemesBody = body;
        const apiUrl = url('/api/get_memes');
        await assert.rejects(fetchImgflip(outDir, { ...FAST, apiUrl }), (error: unknown) => {
          assert.ok(isMemeMirrorError(error, 'DOWNLOAD_FAILED'));
          assert.ok(error.message.startsWith(`Expected ${apiUrl} to answer imgflip's get_memes JSON`), error.message);
          assert.match(error.message, message);
          return true;
        });
        assert.equal(existsSync(join(outDir, 'index.csv')), false);
      });
    }

    it('rejects an API that answers an HTTP error, naming the URL', async () => {
      await assert.rejects(fetchImgflip(outDir, { ...FAST, apiUrl: url('/nothing/here') }), {
        code: 'DOWNLOAD_FAILED',
        message: `GET ${url('/nothing/here')} failed: HTTP 404 Not Found`,
      });
    });

    it('rejects a bad limit or apiUrl', async () => {
      await assert.rejects(fetchImgflip(outDir, { limit: 0 }), { code: 'INVALID_OPTION', message: /Expected limit to be an integer >= 1/ });
      await assert.rejects(fetchImgflip(outDir, { apiUrl: 'get_memes' }), { code: 'INVALID_OPTION', message: /Expected apiUrl to be an http/ });
    });
  });
});
