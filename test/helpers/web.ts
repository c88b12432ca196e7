// Helpers of the web app's tests: the CLI from any folder, and the headless Chromium they drive.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const require = createRequire(import.meta.url);
/** tsx's loader by absolute URL, so the CLI starts from any working folder (e.g. a collection's). */
const TSX = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI from source in `cwd`. */
export function spawnCli(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI from source in `cwd` to its end. */
export function runCliIn(args: string[], cwd: string): Promise<CliRun> {
  const child = spawnCli(args, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Debian's Chromium, or $CHROMIUM; undefined (with a loud message) when there is none. */
export function chromiumPath(): string | undefined {
  const path = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  console.error(`\n!!! SKIPPING: no Chromium at ${path} (apt-get install chromium, or set CHROMIUM) !!!\n`);
  return undefined;
}

/** Flags for headless Chromium as root in a container, with a fake camera playing `y4m` when given. */
export function chromiumArgs(y4m?: string): string[] {
  return [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(y4m ? [`--use-file-for-fake-video-capture=${y4m}`] : []),
  ];
}
