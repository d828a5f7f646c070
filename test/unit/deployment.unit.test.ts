/**
 * The deployment files, checked without Docker (the CI machine has no Docker daemon): the compose
 * file's structure (health checks, start order, restarts, secrets from .env and required), the
 * Dockerfile's (one HEALTHCHECK that works for every role, the product only), and the health check
 * script against real health servers.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics/metrics';
import type { Store } from '../../src/store';
import { createWorkerHealthServer } from '../../src/web/health';
import type { Redis } from 'ioredis';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  restart?: string;
  env_file?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;
const APP = ['web', 'worker'];
const INTERPOLATED = /^\$\{[A-Z_]+(:?[?-][^}]*)?\}$/;

describe('docker-compose.yml', () => {
  it('has the app roles, PostgreSQL and Redis, each restarted unless stopped', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'redis', 'web', 'worker']);
    for (const [name, service] of Object.entries(services)) expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    expect(services.web!.command).toEqual(['web']);
    expect(services.worker!.command).toEqual(['worker']);
  });

  it('checks the health of PostgreSQL and Redis, and starts the app only once both are healthy', () => {
    expect(services.postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready -U leadstage -d leadstage/);
    expect(services.redis!.healthcheck!.test.join(' ')).toMatch(/redis-cli ping/);
    for (const name of APP) {
      expect({ name, depends_on: services[name]!.depends_on }).toEqual({
        name,
        depends_on: { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } },
      });
    }
  });

  it('runs Redis with persistence and noeviction (BullMQ must never lose a key)', () => {
    const command = services.redis!.command!.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('takes secrets from .env: env_file for the app, LEADSTAGE_SECRET_KEY required with a message', () => {
    for (const name of APP) {
      const service = services[name]!;
      expect(service.env_file).toEqual(['.env']);
      expect(service.environment!.LEADSTAGE_SECRET_KEY).toMatch(/^\$\{LEADSTAGE_SECRET_KEY:\?.*openssl rand -hex 32.*\}$/);
      expect(service.environment!.NODE_ENV).toBe('production');
    }
  });

  it('holds no plaintext password: every secret is interpolated from .env and required', () => {
    const secrets: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(key)) {
          expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(INTERPOLATED) });
          secrets.push(key);
        }
        // a password inside a connection URL: postgres://user:${PASSWORD:?…}@host
        const inUrl = /^[a-z]+:\/\/[^:/@]*:(.+)@[^@]+$/.exec(value);
        if (inUrl) expect({ name, key, password: inUrl[1] }).toEqual({ name, key, password: expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]+\}$/) });
      }
      for (const part of service.command ?? []) expect(part).not.toMatch(/--requirepass (?!"\$\$)/);
    }
    expect(secrets).toEqual(expect.arrayContaining(['LEADSTAGE_SECRET_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']));
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(read('docker-compose.yml')).not.toMatch(/leadstage:leadstage@|POSTGRES_PASSWORD: leadstage/);
  });

  it('documents every variable it reads in the committed .env.example, which holds no value for a secret', () => {
    const example = read('.env.example');
    const used = [...new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!))];
    expect(used).toEqual(expect.arrayContaining(['LEADSTAGE_SECRET_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']));
    for (const name of used) expect({ name, documented: new RegExp(`^#? ?${name}=`, 'm').test(example) }).toEqual({ name, documented: true });
    for (const name of ['LEADSTAGE_SECRET_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(read('.dockerignore')).toMatch(/^\.env$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('has one HEALTHCHECK for every role: the health check script, which the image contains', () => {
    expect([...dockerfile.matchAll(/^HEALTHCHECK /gm)]).toHaveLength(1);
    expect(runtimeStage).toMatch(/^HEALTHCHECK .*CMD \["node", "bin\/healthcheck\.js"\]$/m);
    expect(runtimeStage).toMatch(/^COPY bin \.\/bin$/m);
    // the old check fetched PORT only, which a worker never serves
    expect(dockerfile).not.toMatch(/HEALTHCHECK[^\n]*process\.env\.PORT/);
  });

  it('listens on every interface in the container and serves the worker health port', () => {
    expect(runtimeStage).toMatch(/^ENV .*\bHOST=0\.0\.0\.0\b/m);
    expect(runtimeStage).toMatch(/^ENV .*\bWORKER_HEALTH_PORT=3001\b/m);
    expect(runtimeStage).toMatch(/^EXPOSE 3000 3001$/m);
    expect(runtimeStage).toMatch(/^USER node$/m);
  });

  it('copies the product only: no sandboxes, tests, benchmarks, scripts or secrets', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((match) => match[1]!.split(/\s+/).slice(0, -1));
    for (const source of copied) expect(source).not.toMatch(/^(sandboxes|test|bench|scripts|\.env|\.data|\.)(\/|$)/);
  });

  it('says how to pin the base image by digest while it is not pinned', () => {
    const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(from).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)![1]!;
    if (!base.includes('@sha256:')) expect(dockerfile).toMatch(/NOT pinned by digest[\s\S]*docker buildx imagetools inspect node:24-slim/);
  });
});

describe('bin/healthcheck.js', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  async function listening(server: Server): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A port nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  function workerHealth(redisStatus: string) {
    return createWorkerHealthServer({
      store: { db: { query: async () => ({ rows: [], rowCount: 1 }) } } as unknown as Store,
      redis: { status: redisStatus, ping: async () => 'PONG' } as unknown as Redis,
      metrics: createMetrics(),
      workersRunning: () => true,
    });
  }

  function healthcheck(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'healthcheck.js')], { env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.on('exit', (code) => resolve({ code, stdout }));
    });
  }

  it('passes for a worker (nothing on PORT, /healthz 200 on WORKER_HEALTH_PORT)', async () => {
    const port = await listening(workerHealth('ready'));
    const result = await healthcheck({ HOST: '0.0.0.0', PORT: String(await closedPort()), WORKER_HEALTH_PORT: String(port) });
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${port}/healthz: 200 .*"redis":"ok"`)) });
  });

  it('fails for a worker whose Redis connection is down, saying why', async () => {
    const port = await listening(workerHealth('reconnecting'));
    const result = await healthcheck({ PORT: String(await closedPort()), WORKER_HEALTH_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/503 .*"redis":"connection reconnecting"/);
  });

  it('passes for the web server on PORT, and fails when nothing answers', async () => {
    const web = await listening(createServer((_req, res) => res.end('{"status":"ok"}')));
    expect((await healthcheck({ PORT: String(web), WORKER_HEALTH_PORT: String(await closedPort()) })).code).toBe(0);
    const none = await healthcheck({ PORT: String(await closedPort()), WORKER_HEALTH_PORT: String(await closedPort()) });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/ECONNREFUSED/);
  });
});
