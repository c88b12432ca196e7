import { fetchImgflip, fetchList } from '../../collection/index.js';
import type { DownloadOptions, DownloadSummary } from '../../collection/index.js';
import { CliUsageError } from '../cli_error.js';
import { parseCommandArgs, intOption } from '../args.js';
import { Progress } from '../progress.js';
import type { CommandIo } from './command_io.js';

export async function fetchCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('fetch', argv, {
    out: { type: 'string', short: 'o' },
    limit: { type: 'string' },
    'api-url': { type: 'string' },
    retries: { type: 'string' },
    timeout: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (values.help) return io.usage('fetch');
  const [source, ...extra] = positionals;
  if (!source) throw new CliUsageError("Expected 'imgflip' or a list file (url,sha256 lines), but got nothing", 'fetch');
  if (extra.length > 0) throw new CliUsageError(`Expected one source, but got ${positionals.length}: ${positionals.join(' ')}`, 'fetch');
  if (!values.out) throw new CliUsageError('Expected --out DIR (where the images go), but got none', 'fetch');
  const retries = intOption('fetch', 'retries', values.retries, 0, 20);
  const timeout = intOption('fetch', 'timeout', values.timeout, 1, 3600);
  const concurrency = intOption('fetch', 'concurrency', values.concurrency, 1, 32);
  let progress: Progress | undefined;
  const options: DownloadOptions = {
    ...(retries !== undefined ? { retries } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    onProgress: (event) => {
      progress ??= new Progress({ label: 'Downloading', total: event.total, unit: 'files' });
      if (event.status === 'failed') progress.log(`failed: ${event.url}: ${event.error ?? 'unknown error'}`);
      progress.update(event.done, event.file);
    },
  };
  let summary: DownloadSummary;
  if (source === 'imgflip') {
    const limit = intOption('fetch', 'limit', values.limit, 1, 1000);
    summary = await fetchImgflip(values.out, {
      ...options,
      ...(limit !== undefined ? { limit } : {}),
      ...(values['api-url'] !== undefined ? { apiUrl: values['api-url'] } : {}),
    });
  } else {
    if (values.limit !== undefined || values['api-url'] !== undefined) {
      throw new CliUsageError('--limit and --api-url go with `fetch imgflip` only', 'fetch');
    }
    summary = await fetchList(source, values.out, options);
  }
  progress?.finish();
  io.err(
    `Fetched into ${values.out}: ${summary.downloaded.length} downloaded, ${summary.skipped.length} already there, ${summary.failed.length} failed` +
      summary.failed.map((f) => `\n  ${f.file} (${f.url}): ${f.error}`).join(''),
  );
  return summary.failed.length > 0 ? 1 : 0;
}
