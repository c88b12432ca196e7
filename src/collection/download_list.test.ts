import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMemeMirrorError } from '../errors.js';
import { parseDownloadList } from './download_list.js';

const SHA = 'ab'.repeat(32);

describe('parseDownloadList', () => {
  it('reads url,sha256 lines with an optional header, comments, blank lines and optional sha256', () => {
    const text = [
      '\uFEFFurl,sha256',
      '# the seed memes',
      '',
      `https://i.imgflip.com/1bij.jpg,${SHA.toUpperCase()}`,
      '  https://example.com/x/Bad%20Luck%20Brian.jpg  ',
      'https://example.com/y/1bij.jpg,',
      `https://example.com/1BIJ.jpg , ${SHA}\r`,
    ].join('\n');
    assert.deepEqual(parseDownloadList(text, 'list.csv'), [
      { url: 'https://i.imgflip.com/1bij.jpg', file: '1bij.jpg', sha256: SHA },
      { url: 'https://example.com/x/Bad%20Luck%20Brian.jpg', file: 'Bad-Luck-Brian.jpg' },
      { url: 'https://example.com/y/1bij.jpg', file: '1bij-2.jpg' },
      { url: 'https://example.com/1BIJ.jpg', file: '1BIJ-3.jpg', sha256: SHA },
    ]);
  });

  it('returns nothing for an empty list', () => {
    assert.deepEqual(parseDownloadList('\n# nothing\n', 'empty.csv'), []);
  });

  const bad: [string, string][] = [
    ['not a url', 'not a url'],
    ['ftp://example.com/a.jpg', 'ftp://example.com/a.jpg'],
    ['https://example.com/a.jpg,1234', 'https://example.com/a.jpg,1234'],
    [`https://example.com/a.jpg,${SHA},extra`, `https://example.com/a.jpg,${SHA},extra`],
    [`${SHA},https://example.com/a.jpg`, `${SHA},https://example.com/a.jpg`],
  ];
  for (const [line, quoted] of bad) {
    it(`rejects "${line.slice(0, 40)}" naming the source and line`, () => {
      const text = `url,sha256\n# comment\n${line}\n`;
      assert.throws(
        () => parseDownloadList(text, 'memes.csv'),
        (error: unknown) =>
          isMemeMirrorError(error, 'INVALID_OPTION') &&
          error.message.startsWith('memes.csv:3: expected "url,sha256"') &&
          error.message.endsWith(`got "${quoted}"`),
      );
    });
  }

  it('accepts the header only as the first line', () => {
    assert.throws(() => parseDownloadList('https://a.com/x.jpg\nurl,sha256\n', 'l'), {
      code: 'INVALID_OPTION',
      message: /^l:2: expected "url,sha256"/,
    });
  });
});
