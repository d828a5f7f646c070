/**
 * The embedded store (PGlite) is a database inside one process: a second process opening the same
 * data directory would corrupt it. A lock file in the directory refuses it, names the holder and
 * says how to share a store; a lock left by a process that died is taken over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, StoreInUseError, acquireDataDirLock } from '../../src/store/pglite-driver';

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'leadstage-lock-'));
}

function writeLock(dir: string, owner: { pid: number; host?: string }) {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ host: hostname(), startedAt: new Date().toISOString(), ...owner }));
}

describe('the embedded store lock', () => {
  let other: ChildProcess | undefined;
  afterEach(() => {
    other?.kill('SIGKILL');
    other = undefined;
  });

  it('is taken by the opening process and released on close', () => {
    const dir = dataDir();
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir)(); // free again
  });

  it('refuses a second opening while the first holds it, saying how to share a store', () => {
    const dir = dataDir();
    const release = acquireDataDirLock(dir);
    try {
      expect(() => acquireDataDirLock(dir)).toThrow(StoreInUseError);
      expect(() => acquireDataDirLock(dir)).toThrow(/already open in process \d+; .*`leadstage start`.*DATABASE_URL/);
    } finally {
      release();
    }
  });

  it('refuses a directory another live process holds', async () => {
    const dir = dataDir();
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await new Promise((resolve) => other!.once('spawn', resolve));
    writeLock(dir, { pid: other.pid! });
    expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`already open in process ${other.pid}; it serves one process`));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(other.pid); // untouched
  });

  it('takes over a lock whose process is dead, and one left by an earlier run with this pid (a restarted container)', async () => {
    const dir = dataDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    writeLock(dir, { pid: dead.pid! });
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();

    writeLock(dir, { pid: process.pid });
    acquireDataDirLock(dir)();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":'); // half-written by a process killed mid-write
    acquireDataDirLock(dir)();
  });

  it('respects a lock from another host (a shared volume), naming the file to delete if that process is gone', () => {
    const dir = dataDir();
    writeLock(dir, { pid: 1, host: 'elsewhere' });
    expect(() => acquireDataDirLock(dir)).toThrow(`process 1 on elsewhere (if it no longer runs, delete ${join(dir, LOCK_FILE)})`);
  });
});
