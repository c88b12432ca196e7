import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDefaults } from './options.js';

test('withDefaults lays the set options over the defaults, skips undefined and keys it does not know', () => {
  const defaults = Object.freeze({ a: 1, b: 'x', c: true });
  const options = { a: 5, b: undefined, d: 9 } as { a?: number; b?: string; c?: boolean };
  assert.deepEqual(withDefaults(defaults, options), { a: 5, b: 'x', c: true });
  assert.deepEqual(defaults, { a: 1, b: 'x', c: true }, 'the defaults are not changed');
});
