import { startServer } from '../../server/server.js';
import { DEFAULT_PORT, defaultMemesDir } from '../../server/server_options.js';
import { parseCommandArgs, intOption, modelSettings } from '../args.js';
import { CliUsageError } from '../cli_error.js';
import { Progress } from '../progress.js';
import type { CommandIo } from './command_io.js';

const MIB = 1024 * 1024;

/** `meme-mirror serve`: runs until SIGINT or SIGTERM, then stops indexing (keeping what is done) and exits. */
export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, {
    model: { type: 'string' },
    memes: { type: 'string', short: 'm' },
    'no-memes': { type: 'boolean' },
    index: { type: 'string', short: 'i' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    cache: { type: 'string' },
    'max-body-mb': { type: 'string' },
    cors: { type: 'string' },
  }, false);
  if (values.help) return io.usage('serve');
  if (values.memes !== undefined && values['no-memes']) throw new CliUsageError('Expected --memes DIR or --no-memes, but got both', 'serve');
  const envPort = process.env['PORT'];
  const port = intOption('serve', 'port', values.port ?? (envPort === '' ? undefined : envPort), 0, 65535) ?? DEFAULT_PORT;
  const maxBodyMb = intOption('serve', 'max-body-mb', values['max-body-mb'], 1, 1024);
  const settings = modelSettings('serve', { model: values.model });
  const memes = values['no-memes'] ? null : (values.memes ?? defaultMemesDir());

  let progress: Progress | undefined;
  const server = await startServer(
    {
      port,
      memes,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.index !== undefined ? { index: values.index } : {}),
      ...(values.cache !== undefined ? { cacheDir: values.cache } : {}),
      ...(settings.model !== undefined ? { model: settings.model } : {}),
      ...(maxBodyMb !== undefined ? { maxBodyBytes: maxBodyMb * MIB } : {}),
      ...(values.cors !== undefined ? { corsOrigin: values.cors } : {}),
    },
    {
      log: io.err,
      onProgress: (event) => {
        progress ??= new Progress({ label: 'Indexing memes', total: event.total, unit: 'img' });
        if (event.error) progress.log(`error: ${event.file}: ${event.error}`);
        progress.update(event.done, event.file);
      },
    },
  );
  io.out(`meme-mirror is serving ${server.url}`);
  io.err(
    memes
      ? `Memes: ${memes}\nIndex: ${server.options.index}`
      : 'No meme collection: the page lets you add your own (or start with --memes DIR).',
  );

  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      io.err('\nStopping…');
      server.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.ready;
  progress?.finish();
  if (stopping) {
    // Stopped while indexing: the index keeps what was done, and the next start resumes.
    await stopped;
    return 0;
  }
  const status = server.collection.status();
  const summary = server.collection.summary;
  if (status.state === 'error') io.err(`meme-mirror: ${status.message}`);
  else if (summary) {
    io.err(`Collection ready: ${status.faces} faces in ${status.images} images (${summary.embedded} embedded now, ${summary.reused} unchanged) in ${summary.seconds.toFixed(1)} s`);
  }
  io.err('Press Ctrl-C to stop.');
  await stopped;
  return 0;
}
