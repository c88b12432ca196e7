#!/usr/bin/env node
// Builds the web app into dist/web/: the page script, the search worker and the service worker
// (esbuild), the static files of web/, and PNG icons made from web/icons/icon.svg.
// Usage: node scripts/build-web.mjs [--dev] [--if-stale]
//   --dev        no minification (readable stacks)
//   --if-stale   do nothing when dist/web is newer than every source file
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'web');
const stampFile = join(out, 'build.json');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');

/** Every file the build reads: web/, src/, this script and the lock file (dependency versions). */
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(join(root, 'web'));
  walk(join(root, 'src'));
  found.push(fileURLToPath(import.meta.url), join(root, 'package-lock.json'));
  return found.filter((f) => existsSync(f));
}

export function isStale() {
  if (!existsSync(stampFile)) return true;
  const built = statSync(stampFile).mtimeMs;
  return sources().some((f) => statSync(f).mtimeMs > built);
}

/** The folder of an installed package (found the way Node finds it, whatever its `exports` map lists). */
function packageDir(pkg) {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const dir = join(base, pkg);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`Cannot find the package ${pkg}: run npm install`);
}

/**
 * One TensorFlow.js for the whole page: human and face-api are taken in their "esm-nobundle" builds
 * and every @tensorflow/* import goes to that package's ESM entry, so esbuild includes each module
 * once and both libraries share one engine (their default builds each bundle a tfjs of their own).
 */
const oneTfjs = {
  name: 'one-tfjs',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs(-[a-z-]+)?(\/dist\/index\.js)?$/ }, (a) => ({
      path: join(packageDir(a.path.replace(/\/dist\/index\.js$/, '')), 'dist', 'index.js'),
    }));
    build.onResolve({ filter: /^@vladmandic\/human$/ }, () => ({
      path: join(packageDir('@vladmandic/human'), 'dist', 'human.esm-nobundle.js'),
    }));
    build.onResolve({ filter: /^@vladmandic\/face-api$/ }, () => ({
      path: join(packageDir('@vladmandic/face-api'), 'dist', 'face-api.esm-nobundle.js'),
    }));
  },
};

function hashFiles(files) {
  const hash = createHash('sha256');
  for (const f of files) hash.update(relative(out, f)).update(readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

export async function buildWeb({ minify = !dev } = {}) {
  const started = performance.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'icons'), { recursive: true });
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'safari16', 'firefox110'],
    minify,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [oneTfjs],
    // tfjs probes for Node with `typeof process`; nothing Node-only is reached in a browser.
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  await esbuild.build({
    ...common,
    entryPoints: { app: join(root, 'web/src/main.ts'), search_worker: join(root, 'web/src/search_worker.ts') },
    outdir: out,
  });

  for (const name of ['index.html', 'styles.css', 'manifest.webmanifest']) copyFileSync(join(root, 'web', name), join(out, name));
  copyFileSync(join(root, 'web/icons/icon.svg'), join(out, 'icons/icon.svg'));
  const { default: sharp } = await import('sharp');
  const svg = readFileSync(join(root, 'web/icons/icon.svg'));
  for (const size of [192, 512]) {
    await sharp(svg, { density: 300 }).resize(size, size).png().toFile(join(out, `icons/icon-${size}.png`));
  }

  // The service worker precaches the app shell; its version changes whenever any of it does.
  const shell = ['index.html', 'app.js', 'search_worker.js', 'styles.css', 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png'];
  const version = hashFiles(shell.map((f) => join(out, f)));
  await esbuild.build({
    ...common,
    plugins: [],
    entryPoints: { sw: join(root, 'web/src/sw.ts') },
    outdir: out,
    define: {
      ...common.define,
      __SW_VERSION__: JSON.stringify(version),
      __SW_SHELL__: JSON.stringify(shell.map((f) => (f === 'index.html' ? '/' : `/${f}`))),
    },
  });
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(stampFile, `${JSON.stringify({ version, builtAt: new Date().toISOString(), minify }, null, 2)}\n`);
  return { out, version, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (args.has('--if-stale') && !isStale()) {
    console.error(`web app is up to date in ${relative(process.cwd(), out) || out}`);
  } else {
    const { version, seconds } = await buildWeb();
    console.error(`built web app ${version} into ${relative(process.cwd(), out) || out} in ${seconds.toFixed(1)} s`);
  }
}
