import { DEFAULT_EXPRESSION_MODEL } from '../../expression/models.js';
import { readFaceSetFolder } from '../../eval/face_set.js';
import { createEvalModel, evaluateFaceSet, resolveEvalModels } from '../../eval/evaluate.js';
import type { EmbeddingCache, NamedModel, SetEval } from '../../eval/evaluate.js';
import { EVAL_LEGEND, formatSetEval } from '../../eval/report.js';
import { MemeMirrorError } from '../../errors.js';
import { MemeMirror } from '../../pipeline/meme_mirror.js';
import { nodeRuntime } from '../../runtime/node_runtime.js';
import { CliUsageError } from '../cli_error.js';
import { parseCommandArgs, intOption, modelSettings } from '../args.js';
import { Progress } from '../progress.js';
import type { CommandIo } from './command_io.js';

export async function evalCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', argv, {
    model: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    'held-out': { type: 'boolean' },
    triplets: { type: 'string' },
    seed: { type: 'string' },
  });
  if (values.help) return io.usage('eval');
  if (positionals.length === 0) throw new CliUsageError('Expected at least one face set folder (with an index.csv), but got none', 'eval');
  let names: string[];
  try {
    names = resolveEvalModels(values.model ?? DEFAULT_EXPRESSION_MODEL);
  } catch (error) {
    if (error instanceof MemeMirrorError) throw new CliUsageError(error.message, 'eval');
    throw error;
  }
  const limit = intOption('eval', 'limit', values.limit, 1, 10_000_000);
  const triplets = intOption('eval', 'triplets', values.triplets, 1, 10_000_000);
  const seed = intOption('eval', 'seed', values.seed, 0, 2 ** 32 - 1);
  const { backend } = modelSettings('eval', { backend: values.backend });
  const sets = await Promise.all(positionals.map((folder) => readFaceSetFolder(folder)));

  const mm = await MemeMirror.create(backend ? { backend } : {});
  const runtime = await nodeRuntime(mm.options.backend);
  const models: NamedModel[] = [];
  const cache: EmbeddingCache = new Map();
  const results: SetEval[] = [];
  try {
    for (const name of names) models.push({ name, model: await createEvalModel(name, runtime) });
    for (const set of sets) {
      let progress: Progress | undefined;
      const result = await evaluateFaceSet(mm, models, set, {
        heldOut: values['held-out'] ?? false,
        ...(limit !== undefined ? { limit } : {}),
        ...(triplets !== undefined ? { triplets } : {}),
        ...(seed !== undefined ? { seed } : {}),
        onProgress: (done, total, file) => {
          progress ??= new Progress({ label: `Evaluating ${set.name}`, total, unit: 'img' });
          progress.update(done, file);
        },
        onError: (file, message) => (progress ? progress.log(`error: ${file}: ${message}`) : io.err(`error: ${file}: ${message}`)),
      });
      (progress as Progress | undefined)?.finish();
      results.push(result);
      if (!values.json) {
        for (const line of formatSetEval(result)) io.out(line);
        io.out('');
      }
    }
  } finally {
    for (const { model } of models) model.close();
    mm.close();
  }
  if (values.json) io.out(JSON.stringify({ sets: results }));
  else for (const line of EVAL_LEGEND) io.out(line);
  return 0;
}
