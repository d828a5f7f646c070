/** What the sandboxes' shell entries (`<vendor>/main.ts`) share: integer flags, and running until Ctrl-C. */

/** `--name <text>` as a non-negative integer; undefined when the flag is absent. */
export function intFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return n;
}

/**
 * Runs a sandbox's `main` (which starts it and prints its banner) and closes the sandbox on Ctrl-C
 * or SIGTERM; a failure to start prints its message and exits 1.
 */
export function runSandbox(main: () => Promise<{ close(): Promise<void> }>): void {
  main()
    .then((sandbox) => {
      const stop = () => {
        void sandbox.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
