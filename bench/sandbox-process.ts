/**
 * A CRM sandbox (`dist/sandboxes/<crm>/main.js`) in a child process of its own, so a sync
 * benchmark's memory figures are the app's alone, not the seeded portal's or org's.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SandboxProcess {
  /** What the sandbox printed up to its `ready` line: its URL, and for Salesforce the credentials. */
  banner: string;
  child: ChildProcess;
  stop(): void;
}

/** Starts `script` with `args` and resolves once its standard output matches `ready`. */
export function startSandboxProcess(script: string, args: readonly string[], ready: RegExp): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let banner = '';
    let started = false;
    const exited = (code: number | null) => reject(new Error(`sandbox ${script} exited with ${code} before it was ready`));
    child.once('exit', exited);
    // keep reading after the banner, so a sandbox that prints more never blocks on a full pipe
    child.stdout!.on('data', (chunk: Buffer) => {
      if (started) return;
      banner += chunk.toString();
      if (!ready.test(banner)) return;
      started = true;
      child.off('exit', exited);
      resolve({ banner, child, stop: () => child.kill('SIGTERM') });
    });
  });
}

/** A sandbox admin endpoint's JSON (`/__sandbox/stats`, …): not an API call, not counted. */
export async function sandboxJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}
