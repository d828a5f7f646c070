#!/usr/bin/env node
'use strict';
// The image's HEALTHCHECK, one for every role: `web` and `start` answer GET /healthz on PORT, `worker`
// on WORKER_HEALTH_PORT (it serves no web pages; 200 while its Redis and store answer and its
// workers run). Healthy when either answers 200 in time. No dependencies: it runs every 30 s.
const env = process.env;
const bind = env.HOST || '127.0.0.1';
// a wildcard bind answers on loopback; a specific address only on itself
const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
const urls = [env.PORT || '3000', env.WORKER_HEALTH_PORT || '3001'].map((port) => `http://${host}:${port}/healthz`);
const timeoutMs = Number(env.HEALTHCHECK_TIMEOUT_MS) || 2_500;

async function check(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).slice(0, 300);
    return { ok: response.ok, line: `${url}: ${response.status} ${body}` };
  } catch (error) {
    const cause = (error && error.cause && error.cause.code) || (error && error.name) || String(error);
    return { ok: false, line: `${url}: ${cause}` };
  }
}

Promise.all(urls.map(check)).then((results) => {
  const healthy = results.some((result) => result.ok);
  // Docker keeps this output in `docker inspect`: the answer that counted, or every failure
  for (const result of results) if (result.ok || !healthy) process.stdout.write(`${result.line}\n`);
  process.exit(healthy ? 0 : 1);
});
