#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { MemeMirrorError } from '../errors.js';
import { CliUsageError } from './cli_error.js';
import { USAGE } from './usage.js';
import type { CommandIo } from './commands/command_io.js';
import { embedCommand } from './commands/embed_command.js';
import { evalCommand } from './commands/eval_command.js';
import { fetchCommand } from './commands/fetch_command.js';
import { indexCommand } from './commands/index_command.js';
import { matchCommand } from './commands/match_command.js';
import { serveCommand } from './commands/serve_command.js';

const COMMANDS = Object.freeze({
  index: indexCommand,
  match: matchCommand,
  embed: embedCommand,
  fetch: fetchCommand,
  serve: serveCommand,
  eval: evalCommand,
});

type CommandName = keyof typeof COMMANDS;

const io: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  usage: (command) => {
    process.stdout.write(`${USAGE[command] ?? USAGE['main']}\n`);
    return 0;
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI; returns the exit code. Only here are errors caught and turned into messages. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      return io.usage(rest[0] ?? 'main');
    }
    if (command === '--version' || command === '-v') {
      io.out(version());
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, command)) {
      throw new CliUsageError(`Unknown command '${command}'; expected one of ${Object.keys(COMMANDS).join(', ')}`);
    }
    return await COMMANDS[command as CommandName](rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`meme-mirror: ${error.message}\n`);
      io.err(USAGE[error.command ?? 'main'] ?? USAGE['main'] ?? '');
      return 2;
    }
    if (error instanceof MemeMirrorError) {
      io.err(`meme-mirror: ${error.message} [${error.code}]`);
      return error.code === 'INVALID_OPTION' ? 2 : 1;
    }
    io.err(`meme-mirror: unexpected error (a bug; please report it with this trace):`);
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 70;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
