// Helpers of the web app's tests: the headless Chromium they drive (the CLI is in cli.ts).
import { existsSync } from 'node:fs';

export { ROOT } from './cli.js';

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
