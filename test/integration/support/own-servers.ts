/**
 * Servers of a fault test's own: a redis-server and a PostgreSQL cluster on free ports, in temp
 * directories, started and killed by pid. The shared Redis and PostgreSQL are never touched. Every
 * start registers a clean-up; `stopAll` kills what is left and deletes the directories.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path)) ?? null;
const PG_ROOT = '/usr/lib/postgresql';
export const PG_BIN = existsSync(PG_ROOT)
  ? (readdirSync(PG_ROOT)
      .map((version) => join(PG_ROOT, version, 'bin'))
      .find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) ?? null)
  : null;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export class OwnRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A fresh, empty Redis on the same port: no persistence, noeviction (as production must be). */
  async start(): Promise<void> {
    const child = spawn(REDIS_SERVER!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => /Ready to accept connections/.test(chunk.toString()) && resolve());
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
    });
  }

  /** SIGKILL by pid: everything it held is lost (no persistence). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }
}

/**
 * A PostgreSQL cluster of its own (initdb in a temp dir as the `postgres` user when we are root,
 * which initdb refuses), trust authentication on 127.0.0.1. `stop` takes it down (fast shutdown:
 * connections are terminated, new ones refused) and `start` brings the same data back.
 */
export class OwnPostgres {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'leadstage-pg-'));
    chmodSync(dir, 0o777);
    const pg = new OwnPostgres(await freePort(), dir);
    asPostgres(join(PG_BIN!, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await pg.start();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    const args = ['-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=60'];
    const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN!, 'postgres'), ...args]] : [join(PG_BIN!, 'postgres'), args];
    // runuser execs postgres in place of itself, so the pid we hold is the postmaster's
    const child = spawn(command, argv as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/ready to accept connections/.test(log)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log}`)));
    });
  }

  /** The postmaster's pid (runuser may stand between us and it). */
  private postmaster(): number | null {
    try {
      return Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  }

  /** Fast shutdown by pid (SIGINT): sessions are terminated, new connections refused until `start`. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child) return;
    const pid = this.postmaster();
    if (pid) process.kill(pid, signal);
    else child.kill(signal);
    await exited(child);
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asPostgres(command: string, args: string[]): void {
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
  else execFileSync(command, args, { stdio: 'ignore' });
}
