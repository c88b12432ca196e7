/** Where a command writes: results to stdout, messages to stderr; `usage` prints a command's help. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  usage(command: string): number;
}
