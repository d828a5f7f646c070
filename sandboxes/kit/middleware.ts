/**
 * The gates every sandbox puts in front of its API routes and that behave the same for every vendor:
 * counting requests, injected latency and injected 5xx. The vendor's middleware.ts adds its own gates
 * between them (auth, rate or API limits) and says how its injected 5xx looks on the wire.
 */
import type { RequestHandler } from 'express';
import type { CommonFaultSettings, FaultSwitches } from './faults';
import type { CommonStats, RequestStats } from './stats';

/** What these gates reach: the sandbox's fault switches and counters. */
export interface GateContext {
  faults: Pick<FaultSwitches<CommonFaultSettings>, 'applies' | 'latency' | 'serverError'>;
  stats: Pick<RequestStats<CommonStats>, 'request' | 'latencyAdded' | 'serverError'>;
}

/** Counts every request by endpoint pattern and final status, whatever answers it. */
export function countRequests(ctx: GateContext): RequestHandler {
  return (req, res, next) => {
    // the full path now: routers mounted on a prefix (/services/data/:version) strip it from req.path
    const path = req.originalUrl.split('?')[0] ?? req.path;
    res.on('finish', () => ctx.stats.request(req.method, path, res.statusCode));
    next();
  };
}

export function injectLatency(ctx: GateContext): RequestHandler {
  return (req, _res, next) => {
    if (!ctx.faults.applies(req.path)) return next();
    const ms = ctx.faults.latency();
    if (ms <= 0) return next();
    ctx.stats.latencyAdded(ms);
    setTimeout(next, ms);
  };
}

/** Maybe fails the request with an injected 5xx (`errorRate`, …), as the vendor's `errorFor` shapes it. */
export function injectServerErrors(ctx: GateContext, errorFor: (status: number) => Error): RequestHandler {
  return (req, _res, next) => {
    const status = ctx.faults.applies(req.path) ? ctx.faults.serverError() : undefined;
    if (status === undefined) return next();
    ctx.stats.serverError();
    throw errorFor(status);
  };
}
