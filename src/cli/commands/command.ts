/** Where a command writes; injected so tests capture output without spawning a process. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export type Command = (args: string[], io: CommandIo) => Promise<number>;
