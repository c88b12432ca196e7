import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cli_error.js';
import { BACKENDS } from '../runtime/runtime_types.js';
import type { BackendName } from '../runtime/runtime_types.js';
import { EXPRESSION_MODELS, isExpressionModelName } from '../expression/models.js';
import type { ExpressionModelName } from '../expression/models.js';

/** Options every model-using command takes. */
export const MODEL_OPTIONS = {
  backend: { type: 'string' },
  model: { type: 'string' },
  'min-face': { type: 'string' },
  'max-faces': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The --help flag every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsConfig['options'];

type Options = NonNullable<ParseArgsConfig['options']>;
type CommandArgsConfig<O extends Options, P extends boolean> = { args: string[]; options: typeof HELP_OPTION & O; allowPositionals: P; strict: true };

/**
 * Parses a command's arguments strictly, with --help added to `options`; node's complaints (an
 * unknown option, a missing value) become usage errors for `command`.
 */
export function parseCommandArgs<O extends Options, P extends boolean = true>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals: P = true as P,
): ReturnType<typeof parseArgs<CommandArgsConfig<O, P>>> {
  return usageErrors(command, () => parseArgs<CommandArgsConfig<O, P>>({ args: argv, options: { ...HELP_OPTION, ...options }, allowPositionals, strict: true }));
}

/** Runs an argument parser, turning its complaints into usage errors for `command`. */
export function usageErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error), command);
  }
}

export function intOption(command: string, name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliUsageError(`Expected --${name} to be a whole number from ${min} to ${max}, but got '${value}'`, command);
  }
  return n;
}

export interface ModelSettings {
  backend?: BackendName;
  model?: ExpressionModelName;
  detector: { minFaceSize?: number; maxFaces?: number };
}

export function modelSettings(
  command: string,
  values: { backend?: string | undefined; model?: string | undefined; 'min-face'?: string | undefined; 'max-faces'?: string | undefined },
): ModelSettings {
  const settings: ModelSettings = { detector: {} };
  if (values.backend !== undefined) {
    if (!(values.backend in BACKENDS) || values.backend === 'webgl') {
      throw new CliUsageError(`Expected --backend to be wasm or cpu, but got '${values.backend}'`, command);
    }
    settings.backend = values.backend as BackendName;
  }
  if (values.model !== undefined) {
    if (!isExpressionModelName(values.model)) {
      throw new CliUsageError(
        `Expected --model to be one of ${Object.keys(EXPRESSION_MODELS).join(', ')}, but got '${values.model}'`,
        command,
      );
    }
    settings.model = values.model;
  }
  const minFace = intOption(command, 'min-face', values['min-face'], 0, 100_000);
  if (minFace !== undefined) settings.detector.minFaceSize = minFace;
  const maxFaces = intOption(command, 'max-faces', values['max-faces'], 1, 100);
  if (maxFaces !== undefined) settings.detector.maxFaces = maxFaces;
  return settings;
}
