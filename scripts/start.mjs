#!/usr/bin/env node
// `npm start`: builds what is out of date (the library with tsc, the web app with esbuild), then runs
// `meme-mirror serve` with the given arguments, e.g. `npm start -- --memes DIR --port 3000`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');

/** Newest modification time of the library's sources (tests excluded). */
function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, info.mtimeMs);
  }
  return newest;
}

function run(what, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed (exit code ${result.status}); fix the errors above and try again`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource(join(root, 'src'))) {
  console.error('npm start: building the library (tsc)…');
  run('the build', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')]);
}
run('the web build', [join(root, 'scripts', 'build-web.mjs'), '--if-stale']);

// The CLI reads its arguments from process.argv when it is loaded.
process.argv = [process.argv[0], cli, 'serve', ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
