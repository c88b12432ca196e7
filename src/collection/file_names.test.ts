import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileNameFromUrl, isSafeFileName, sanitizeFileName, uniqueFileNames, urlExtension } from './file_names.js';

describe('sanitizeFileName', () => {
  const cases: [string, string][] = [
    ['10-Guy.jpg', '10-Guy.jpg'],
    ['Drake Hotline  Bling', 'Drake-Hotline-Bling'],
    ["It's A Trap!", "It's-A-Trap!"],
    ['../../etc/passwd', '_.._etc_passwd'],
    ['..', 'download'],
    ['', 'download'],
    ['   ', 'download'],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['a\\b:c*d?e"f<g>h|i', 'a_b_c_d_e_f_g_h_i'],
    ['nul\u0000byte\u202Eevil', 'nul_byte_evil'],
    ['trailing...', 'trailing'],
    ['CON.jpg', '_CON.jpg'],
    ['photo.jpg.part', 'photo.jpg.part_'],
    ['café-naïve.png', 'café-naïve.png'],
    ['猫.gif', '猫.gif'],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} -> ${JSON.stringify(expected)}`, () => {
      const name = sanitizeFileName(raw);
      assert.equal(name, expected);
      assert.ok(isSafeFileName(name));
    });
  }

  it('shortens long names to 200 UTF-8 bytes, keeping the extension and whole characters', () => {
    const name = sanitizeFileName(`${'é'.repeat(150)}.jpeg`);
    assert.ok(Buffer.byteLength(name) <= 200, `${Buffer.byteLength(name)} bytes`);
    assert.match(name, /^é+\.jpeg$/);
  });
});

describe('fileNameFromUrl', () => {
  const cases: [string, string][] = [
    ['https://i.imgflip.com/1bij.jpg', '1bij.jpg'],
    ['https://example.com/a/Bad%20Luck%20Brian.jpg?size=2#x', 'Bad-Luck-Brian.jpg'],
    ['https://example.com/a/%2E%2E%2F%2E%2E%2Fevil.jpg', '_.._evil.jpg'],
    ['https://example.com/../../evil.jpg', 'evil.jpg'],
    ['https://example.com/dir/', 'dir'],
    ['https://example.com/', 'example.com'],
    ['https://example.com/bad%E0%A4%A.jpg', 'bad_E0_A4_A.jpg'],
  ];
  for (const [url, expected] of cases) {
    it(`${url} -> ${expected}`, () => assert.equal(fileNameFromUrl(url), expected));
  }
});

describe('urlExtension', () => {
  it('is the lowercase extension of the path, or empty', () => {
    assert.equal(urlExtension('https://i.imgflip.com/30b1gx.JPG?x=1.png'), '.jpg');
    assert.equal(urlExtension('https://i.imgflip.com/30b1gx'), '');
    assert.equal(urlExtension('https://host/a.b/c'), '');
  });
});

describe('uniqueFileNames', () => {
  it('numbers clashes (ignoring case) in order, before the extension, avoiding reserved names', () => {
    assert.deepEqual(
      uniqueFileNames(['a.jpg', 'A.jpg', 'a.jpg', 'a-2.jpg', 'b', 'b', 'index.csv'], ['index.csv']),
      ['a.jpg', 'A-2.jpg', 'a-3.jpg', 'a-2-2.jpg', 'b', 'b-2', 'index-2.csv'],
    );
  });
});
