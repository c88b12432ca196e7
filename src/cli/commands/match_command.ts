import { relative, resolve, dirname } from 'node:path';
import { describeError } from '../../errors.js';
import { MemeMirror } from '../../pipeline/meme_mirror.js';
import type { ImageMatches } from '../../pipeline/pipeline_types.js';
import { CliUsageError } from '../cli_error.js';
import { parseCommandArgs, MODEL_OPTIONS, intOption, modelSettings } from '../args.js';
import type { CommandIo } from './command_io.js';

const fmtBox = (b: readonly number[]): string => `[${b.map((v) => Math.round(v)).join(', ')}]`;

export async function matchCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('match', argv, {
    ...MODEL_OPTIONS,
    index: { type: 'string', short: 'i' },
    top: { type: 'string', short: 'k' },
    json: { type: 'boolean' },
  });
  if (values.help) return io.usage('match');
  if (positionals.length === 0) throw new CliUsageError('Expected at least one image to match, but got none', 'match');
  if (!values.index) throw new CliUsageError('Expected --index FILE (made by `meme-mirror index`), but got none', 'match');
  const top = intOption('match', 'top', values.top, 1, 1000) ?? 3;
  const mm = await MemeMirror.create({ ...modelSettings('match', values), index: values.index });
  // Index paths are relative to the index file's folder; show them relative to where we are.
  const indexDir = dirname(resolve(values.index));
  const shown = (file: string): string => relative(process.cwd(), resolve(indexDir, file)) || file;
  let failures = 0;
  try {
    for (const file of positionals) {
      let result: ImageMatches;
      try {
        result = await mm.match(file, { top });
      } catch (error) {
        failures++;
        if (values.json) io.out(JSON.stringify({ file, error: describeError(error) }));
        else io.err(`error: ${describeError(error)}`);
        continue;
      }
      const faces = result.faces.map((face) => ({
        box: face.box.map((v) => Math.round(v)),
        score: face.score,
        matches: face.matches.map((m) => ({ file: shown(m.file), box: m.box.map((v) => Math.round(v)), distance: m.distance })),
      }));
      if (values.json) {
        io.out(JSON.stringify({ file, faces }));
        continue;
      }
      io.out(`${file}: ${faces.length === 0 ? 'no face found' : `${faces.length} face${faces.length > 1 ? 's' : ''}`}`);
      faces.forEach((face, i) => {
        io.out(`  face ${i + 1} at ${fmtBox(face.box)} (detector score ${face.score.toFixed(2)})`);
        face.matches.forEach((m, r) => {
          io.out(`    ${String(r + 1).padStart(2)}. ${m.distance.toFixed(3)}  ${m.file}  ${fmtBox(m.box)}`);
        });
      });
    }
  } finally {
    mm.close();
  }
  return failures > 0 ? 1 : 0;
}
