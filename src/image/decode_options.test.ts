import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMemeMirrorError } from '../errors.js';
import { DEFAULT_DECODE_OPTIONS, resolveDecodeOptions } from './decode_options.js';
import type { DecodeOptions } from './decode_options.js';

describe('resolveDecodeOptions', () => {
  const accepted: ReadonlyArray<[title: string, options: DecodeOptions | undefined, maxPixels: number]> = [
    ['uses the default when called without options', undefined, 40_000_000],
    ['uses the default for {}', {}, 40_000_000],
    ['can clear maxPixels back to the default with undefined', { maxPixels: undefined }, 40_000_000],
    ['can set maxPixels', { maxPixels: 1_000 }, 1_000],
    ['can set maxPixels to 1', { maxPixels: 1 }, 1],
  ];
  for (const [title, options, maxPixels] of accepted) {
    it(title, () => assert.deepEqual(resolveDecodeOptions(options), { maxPixels }));
  }

  const rejected: ReadonlyArray<[value: unknown, shown: string]> = [
    [0, '0'],
    [-5, '-5'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['100', '"100"'],
  ];
  for (const [value, shown] of rejected) {
    it(`rejects maxPixels ${shown}, saying what it expected and what it got`, () => {
      assert.throws(
        () => resolveDecodeOptions({ maxPixels: value as number }),
        (error) =>
          isMemeMirrorError(error, 'INVALID_OPTION') &&
          error.message === `Expected maxPixels to be a positive integer, but got ${shown}`,
      );
    });
  }

  it('documents its defaults in one frozen object', () => {
    assert.deepEqual(DEFAULT_DECODE_OPTIONS, { maxPixels: 40_000_000 });
    assert.ok(Object.isFrozen(DEFAULT_DECODE_OPTIONS));
  });
});
