import { describeError } from '../../errors.js';
import { expandInputs } from '../../pipeline/image_files.js';
import { MemeMirror } from '../../pipeline/meme_mirror.js';
import { CliUsageError } from '../cli_error.js';
import { parseCommandArgs, MODEL_OPTIONS, modelSettings } from '../args.js';
import type { CommandIo } from './command_io.js';

export async function embedCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('embed', argv, {
    ...MODEL_OPTIONS,
    json: { type: 'boolean' },
    pretty: { type: 'boolean' },
  });
  if (values.help) return io.usage('embed');
  if (positionals.length === 0) throw new CliUsageError('Expected at least one image or folder, but got none', 'embed');
  const settings = modelSettings('embed', values);
  const inputs = await expandInputs(positionals);
  const mm = await MemeMirror.create(settings);
  let failures = 0;
  try {
    for (const { path: file, error: listError } of inputs) {
      try {
        if (listError) throw new Error(listError);
        const result = await mm.embed(file);
        const faces = result.faces.map((f) => ({ box: f.box.map((v) => Math.round(v)), score: f.score, embedding: f.embedding }));
        if (values.pretty) {
          io.out(`${file}: ${faces.length} face(s), ${result.model}`);
          for (const f of faces) io.out(`  [${f.box.join(', ')}] score ${f.score.toFixed(2)}: ${f.embedding.map((v) => v.toFixed(3)).join(' ')}`);
        } else {
          io.out(JSON.stringify({ file, model: result.model, dims: result.dims, faces }));
        }
      } catch (error) {
        failures++;
        if (values.pretty) io.err(`error: ${describeError(error)}`);
        else io.out(JSON.stringify({ file, error: describeError(error) }));
      }
    }
  } finally {
    mm.close();
  }
  return failures > 0 ? 1 : 0;
}
