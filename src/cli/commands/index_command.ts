import { buildIndex } from '../../pipeline/indexer.js';
import { MemeMirror } from '../../pipeline/meme_mirror.js';
import { CliUsageError } from '../cli_error.js';
import { parseCommandArgs, MODEL_OPTIONS, intOption, modelSettings } from '../args.js';
import { Progress } from '../progress.js';
import type { CommandIo } from './command_io.js';

export async function indexCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('index', argv, {
    ...MODEL_OPTIONS,
    out: { type: 'string', short: 'o' },
    rebuild: { type: 'boolean' },
    checkpoint: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return io.usage('index');
  if (positionals.length === 0) throw new CliUsageError('Expected at least one folder or image to index, but got none', 'index');
  if (!values.out) throw new CliUsageError('Expected --out FILE (where to write the index), but got none', 'index');
  const settings = modelSettings('index', values);
  const checkpointEvery = intOption('index', 'checkpoint', values.checkpoint, 1, 1_000_000);
  const mm = await MemeMirror.create({ ...settings });
  let progress: Progress | undefined;
  const stop = new AbortController();
  const onSignal = (): void => {
    io.err('\nStopping: writing what is done so far (a second Ctrl-C kills at once)...');
    stop.abort();
    process.off('SIGINT', onSignal);
  };
  process.on('SIGINT', onSignal);
  try {
    const summary = await buildIndex(mm, {
      inputs: positionals,
      out: values.out,
      rebuild: values.rebuild ?? false,
      ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
      signal: stop.signal,
      onProgress: (event) => {
        progress ??= new Progress({ label: 'Indexing', total: event.total, unit: 'img' });
        if (event.error) progress.log(`error: ${event.file}: ${event.error}`);
        progress.update(event.done, event.file);
      },
    });
    progress?.finish();
    if (values.json) {
      io.out(JSON.stringify(summary));
    } else {
      const rate = summary.seconds > 0 ? (summary.embedded / summary.seconds).toFixed(1) : '-';
      io.err(
        [
          `Index ${summary.out} (${summary.model})`,
          `  images:       ${summary.images} (${summary.embedded} embedded, ${summary.reused} unchanged, ${summary.removed} removed)`,
          `  faces:        ${summary.faces}`,
          `  with no face: ${summary.noFace}`,
          `  errors:       ${summary.errors.length}${summary.errors.map((e) => `\n    ${e.file}: ${e.error}`).join('')}`,
          `  time:         ${summary.seconds.toFixed(1)} s (${rate} img/s embedded)`,
          stop.signal.aborted ? '  stopped early: run the same command again to resume.' : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    return stop.signal.aborted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    mm.close();
  }
}
