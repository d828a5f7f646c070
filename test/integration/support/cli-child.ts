/**
 * `leadstage <args>` from the sources (tsx as a loader, no build needed), as bin/leadstage.js runs
 * the compiled CLI: output line by line, the exit code, and nothing kept alive after an answer.
 */
import { runCli } from '../../../src/cli/main';

function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
}

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(finish, (error: unknown) => {
  process.stderr.write(`leadstage: ${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
  finish(1);
});
