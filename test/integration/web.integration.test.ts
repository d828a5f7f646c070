import './support/native-pglite';
import { createRuntime, RedisUnavailableError, type Runtime } from '../../src/app/runtime';
import { serve, type Serving } from '../../src/app/serve';
import { loadEnv } from '../../src/config/env';
import { createLogger } from '../../src/log/logger';
import { closeTestRuntime, openTestRuntime, uniqueRun } from './support/test-runtime';

describe('web server', () => {
  let runtime: Runtime;
  let serving: Serving;

  beforeAll(async () => {
    runtime = await openTestRuntime(uniqueRun('web'));
    serving = await serve(runtime, { web: true, worker: false, port: 0 });
  });
  afterAll(() => closeTestRuntime(runtime, serving));

  it('answers liveness, readiness and Prometheus metrics', async () => {
    const health = await fetch(`${serving.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${serving.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', redis: 'ok', schedulers: 'ok', writes: 'ok', firstSync: 'ok' } });
    runtime.metrics.jobs.inc({ queue: 'score', outcome: 'completed' });
    const metrics = await (await fetch(`${serving.url}/metrics`)).text();
    expect(metrics).toMatch(/leadstage_jobs_total\{queue="score",outcome="completed"\} 1/);
    expect(metrics).toMatch(/leadstage_crm_429_total/);
  });

  it('sends security headers and a JSON 404', async () => {
    const response = await fetch(`${serving.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });
});

describe('when Redis is down', () => {
  it('says how to start it instead of hanging', async () => {
    const env = loadEnv({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(createRuntime({ env, dataDir: 'memory', logger: createLogger({ level: 'error' }) })).rejects.toThrow(RedisUnavailableError);
    await expect(createRuntime({ env, dataDir: 'memory', logger: createLogger({ level: 'error' }) })).rejects.toThrow(/redis-server --daemonize yes/);
  });
});
