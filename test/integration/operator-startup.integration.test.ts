/**
 * The operator's first hour, through the built bin (`npm run build` first; `npm test` does it):
 * every deployment mistake at start-up is one line on stderr and a prompt non-zero exit, never a
 * stack trace, a hang or a secret; the embedded store refuses a second process; the worker says
 * when nothing is connected and answers its own health check. Uses the local PostgreSQL and Redis
 * (Redis database 13, so the CLI's default queue prefix never meets anyone's real queues).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'leadstage.js');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = (() => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = '/13';
  return url.toString();
})();
const PASSWORD = 'Sup3r-s3cret-pw';

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching, or rejects when the process exits first. */
  line(pattern: RegExp): Promise<string>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function leadstage(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', REDIS_URL, PORT: '0', WORKER_HEALTH_PORT: '0', ...env },
  });
  running.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const lines = (into: string[], notify: boolean) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        into.push(line);
        if (notify) for (const wait of waiting.filter((w) => w.pattern.test(line))) wait.resolve(line);
      }
    };
  };
  child.stdout!.on('data', lines(stdout, true));
  child.stderr!.on('data', lines(stderr, false));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = stdout.find((line) => pattern.test(line));
        if (seen) return resolve(seen);
        waiting.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`exited ${code} before ${pattern}: ${[...stdout, ...stderr].join('\n')}`)));
      }),
  };
}

/** Exits within `ms`, or the test fails (a start-up error must never hang). */
async function exitsWithin(run: Run, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms; stdout: ${run.stdout.join('\n')} stderr: ${run.stderr.join('\n')}`)), ms);
  });
  try {
    return await Promise.race([run.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'leadstage-first-hour-'));

describe('a bad DATABASE_URL', () => {
  it('on a closed port: one line naming host:port/database and the cause, exit 1 at once, no password', async () => {
    const port = await freePort();
    const run = leadstage(['web'], { DATABASE_URL: `postgres://leadstage:${PASSWORD}@127.0.0.1:${port}/leadstage` });
    expect(await exitsWithin(run, 20_000)).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toEqual([
      `PostgreSQL at 127.0.0.1:${port}/leadstage cannot be used (connection refused: nothing listens there); check DATABASE_URL (postgres://user:password@host:port/database) and that the server runs and accepts that user.`,
    ]);
  });

  it('with a role the real server does not know: one line with the server’s reason, exit 1, no password', async () => {
    const role = `no_such_role_${process.pid}`;
    const url = withCredentials(DATABASE_URL, role, PASSWORD);
    const run = leadstage(['worker'], { DATABASE_URL: url });
    expect(await exitsWithin(run, 20_000)).toBe(1);
    const { hostname, port, pathname } = new URL(url);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toContain(`PostgreSQL at ${hostname}:${port || 5432}${pathname} cannot be used (`);
    // trust auth reports the role; password auth may only say the password failed for it
    expect(run.stderr[0]).toMatch(new RegExp(`role "${role}" does not exist|password authentication failed for user "${role}"`));
    expect(run.stderr.join('\n')).not.toContain(PASSWORD);
    expect(run.stdout).toEqual([]);
  });
});

describe('a bad REDIS_URL', () => {
  it('prints only its one line: no ioredis "Unhandled error event" before it, no stack', async () => {
    const port = await freePort();
    const run = leadstage(['web'], { REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` });
    expect(await exitsWithin(run, 20_000)).toBe(1);
    expect(run.stderr).toEqual([
      `Redis is not reachable at redis://***@127.0.0.1:${port} (connection refused: nothing listens there); start it, e.g. \`redis-server --daemonize yes --port 6379\`, or set REDIS_URL to a running Redis.`,
    ]);
    expect(run.stdout).toEqual([]);
  });
});

// a Redis of our own that wants a password (the shared one has none), when redis-server is installed
const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
(redisServer ? describe : describe.skip)('a Redis that wants a password', () => {
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn(redisServer!, ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', 'right-one', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => redis.stdout!.on('data', (chunk: Buffer) => /Ready to accept connections/.test(chunk.toString()) && resolve()));
  });
  afterAll(() => {
    redis.kill('SIGTERM');
  });

  it('without it or with a wrong one: one line saying to put the password in REDIS_URL, never echoing it', async () => {
    for (const [url, cause] of [
      [`redis://127.0.0.1:${port}`, 'NOAUTH'],
      [`redis://:${PASSWORD}@127.0.0.1:${port}`, 'WRONGPASS'],
    ] as const) {
      const run = leadstage(['worker'], { REDIS_URL: url });
      expect(await exitsWithin(run, 20_000)).toBe(1);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(new RegExp(`^Redis at redis://(\\*\\*\\*@)?127\\.0\\.0\\.1:${port} refused Leadstage \\(${cause}[^)]*\\); put its password in REDIS_URL`));
      expect(run.stderr[0]).not.toContain(PASSWORD);
    }
  });
});

describe('the servers at start-up', () => {
  let holder: Server;
  let taken: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    taken = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => holder.close(resolve)));

  it('web on a port in use: one line naming the port and PORT, exit 1, nothing left running', async () => {
    const run = leadstage(['web'], { LEADSTAGE_DATA_DIR: dataDir(), PORT: String(taken) });
    expect(await exitsWithin(run, 60_000)).toBe(1);
    expect(run.stderr).toEqual([`port ${taken} is in use; set PORT to a free port, or stop what listens on ${taken}`]);
    expect(run.stdout).toEqual([]);
  });

  it('web listens on HOST: the address it was given answers, another does not', async () => {
    const web = leadstage(['web'], { LEADSTAGE_DATA_DIR: dataDir(), HOST: '127.0.0.2' });
    const url = (await web.line(/^web: /)).match(/http:\/\/127\.0\.0\.2:\d+/)![0];
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await expect(fetch(url.replace('127.0.0.2', '127.0.0.1') + '/healthz')).rejects.toThrow();
    web.child.kill('SIGTERM');
    expect(await exitsWithin(web, 30_000)).toBe(0);
  });

  it('one embedded store, one process: web holds it, a worker on the same directory is refused, the lock goes on exit', async () => {
    const dir = dataDir();
    const web = leadstage(['web'], { LEADSTAGE_DATA_DIR: dir });
    await web.line(/^web: /);

    const worker = leadstage(['worker'], { LEADSTAGE_DATA_DIR: dir });
    expect(await exitsWithin(worker, 30_000)).toBe(1);
    expect(worker.stderr).toEqual([
      `The embedded store in ${dir} is already open in process ${web.child.pid}; it serves one process: run web and worker together with \`leadstage start\`, or share a PostgreSQL server between them by setting DATABASE_URL.`,
    ]);

    web.child.kill('SIGTERM');
    expect(await exitsWithin(web, 30_000)).toBe(0);
    expect(existsSync(join(dir, 'leadstage.lock'))).toBe(false);
  });

  it('a worker with nothing connected says how to connect an account, answers /healthz, and takes over the lock of a killed one', async () => {
    const dir = dataDir();
    const first = leadstage(['worker'], { LEADSTAGE_DATA_DIR: dir });
    const nothing = await first.line(/^worker: no installation/);
    expect(nothing).toBe(
      'worker: no installation is connected, so there is nothing to sync; connect one in self-hosted single-account mode: set HUBSPOT_ACCESS_TOKEN for HubSpot and restart the worker (docs/operations.md). Or install from the CRM (HubSpot, Salesforce): open /install/<system> on the web server with the system\'s OAuth app configured (README, Install from the CRM).',
    );
    const health = (await first.line(/^worker: processing/)).match(/http:\/\/127\.0\.0\.1:(\d+)/)!;
    const answer = await fetch(`${health[0]}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ok', checks: { store: 'ok', redis: 'ok', workers: 'ok' } });

    // the image's HEALTHCHECK on this worker: nothing on PORT, its health port answers
    const check = spawn(process.execPath, [join(ROOT, 'bin', 'healthcheck.js')], { env: { PATH: process.env.PATH ?? '', PORT: String(await freePort()), WORKER_HEALTH_PORT: health[1]! } });
    expect(await new Promise((resolve) => check.on('exit', resolve))).toBe(0);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(JSON.parse(readFileSync(join(dir, 'leadstage.lock'), 'utf8')).pid).toBe(first.child.pid); // left behind

    const second = leadstage(['worker'], { LEADSTAGE_DATA_DIR: dir });
    await second.line(/^worker: no installation/);
    expect(JSON.parse(readFileSync(join(dir, 'leadstage.lock'), 'utf8')).pid).toBe(second.child.pid);
    second.child.kill('SIGTERM');
    expect(await exitsWithin(second, 30_000)).toBe(0);
  });
});
