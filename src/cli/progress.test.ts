import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Progress, formatDuration } from './progress.js';

/** A stream that records what is written, posing as a terminal or a pipe. */
function sink(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(stream, { isTTY, columns: 120, text: () => text });
  return stream;
}

test('formatDuration: m:ss, h:mm:ss, and --:-- when unknown', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '--:--');
});

test('on a terminal: one redrawn line with a bar, percent, count, rate and ETA', () => {
  const stream = sink(true);
  const progress = new Progress({ label: 'Indexing', total: 4, unit: 'img', stream });
  progress.update(1, 'a.jpg');
  progress.update(2, 'b.jpg');
  progress.finish();
  const text = stream.text();
  assert.equal(text.split('\r\x1b[2K').length, 3, 'each update redraws the same line');
  assert.match(text, /Indexing █+░+ +50% 2\/4 [\d.]+ img\/s ETA \d+:\d\d b\.jpg/);
  assert.ok(text.endsWith('\n'));
});

test('piped: plain lines, about one per 10%, and always the last', () => {
  const stream = sink(false);
  const progress = new Progress({ label: 'Indexing', total: 100, unit: 'img', stream });
  for (let i = 1; i <= 100; i++) progress.update(i);
  const lines = stream.text().trim().split('\n');
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => /^Indexing: \d+\/100 [\d.]+ img\/s ETA/.test(l)));
  assert.match(lines.at(-1)!, /^Indexing: 100\/100/);
  assert.ok(!stream.text().includes('\r'), 'no carriage returns in a log');
});
