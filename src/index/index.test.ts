import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as api from './index.js';

test('the public API exports exactly these values', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'INDEX_FORMAT_VERSION',
    'MemeIndex',
    'decodeIndex',
    'encodeIndex',
    'euclidean',
    'readIndexFile',
    'readIndexHeader',
    'squaredEuclidean',
    'writeIndexFile',
  ]);
});

test('the browser-safe files import nothing Node-only and no model', async () => {
  for (const name of ['distance.ts', 'top_k.ts', 'index_types.ts', 'memory_index.ts', 'format.ts']) {
    const text = await readFile(new URL(name, import.meta.url), 'utf8');
    assert.ok(!/from '(node:|fs|path|crypto|buffer)/.test(text), `${name} imports a Node built-in`);
    assert.ok(!/\bBuffer\b|\bprocess\./.test(text), `${name} uses Buffer or process`);
    assert.ok(!/tensorflow|face-api|human/i.test(text), `${name} mentions a model library`);
  }
});
