#!/usr/bin/env node
// Makes docs/screenshot.png for the README: the page in headless Chromium with no meme collection and
// Chromium's own synthetic camera pattern, so the picture holds no third-party image (the shared
// memes and faces may not be redistributed). Usage: node scripts/readme-screenshot.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const cache = mkdtempSync(join(tmpdir(), 'meme-mirror-shot-'));
require.resolve('playwright-core');

const server = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'serve', '--no-memes', '--port', '0', '--cache', cache], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const found = /serving (http:\/\/\S+)/.exec(out);
    if (found) resolve(found[1]);
  });
  server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
  await page.goto(`${url}?backend=wasm&sw=0`);
  await page.waitForFunction(() => /Live/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  await page.waitForTimeout(3000);
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
  console.error('wrote docs/screenshot.png');
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(cache, { recursive: true, force: true });
}
