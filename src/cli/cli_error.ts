/** A mistake in how the command was called: the entry point prints it with the usage, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
