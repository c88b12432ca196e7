import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMemeMirrorError } from '../errors.js';
import { resolveDownloadOptions } from './download_options.js';
import type { DownloadOptions } from './download_options.js';

describe('resolveDownloadOptions', () => {
  const table: { name: keyof DownloadOptions; default: unknown; set: number; bad: number[] }[] = [
    { name: 'concurrency', default: 4, set: 1, bad: [0, 1.5, Number.NaN] },
    { name: 'retries', default: 3, set: 0, bad: [-1, 0.5] },
    { name: 'backoffMs', default: 500, set: 0, bad: [-1, Number.POSITIVE_INFINITY] },
    { name: 'timeoutMs', default: 30_000, set: 250.5, bad: [0, -5] },
    { name: 'maxBytes', default: 50 * 1024 * 1024, set: 1, bad: [0, 2.5] },
  ];
  for (const row of table) {
    it(`${row.name}: uses the default, can be set, rejects bad values`, () => {
      assert.equal(resolveDownloadOptions()[row.name], row.default);
      assert.equal(resolveDownloadOptions({ [row.name]: undefined })[row.name], row.default);
      assert.equal(resolveDownloadOptions({ [row.name]: row.set })[row.name], row.set);
      for (const value of row.bad) {
        assert.throws(
          () => resolveDownloadOptions({ [row.name]: value }),
          (error: unknown) => isMemeMirrorError(error, 'INVALID_OPTION') && error.message.includes(`Expected ${row.name} to be`),
        );
      }
    });
  }

  it('fetch defaults to globalThis.fetch, callbacks to no-ops, and all can be set', () => {
    const resolved = resolveDownloadOptions();
    assert.equal(resolved.fetch, globalThis.fetch);
    assert.equal(typeof resolved.onProgress, 'function');
    assert.equal(typeof resolved.onBytes, 'function');
    const fetch = async (): Promise<Response> => new Response('x');
    const onProgress = (): void => {};
    const set = resolveDownloadOptions({ fetch, onProgress });
    assert.equal(set.fetch, fetch);
    assert.equal(set.onProgress, onProgress);
  });
});
