/**
 * `npm run demo` is deterministic: two runs with the same seed, side by side (so with different
 * timings), print the same standard output: funnels, tasks, API calls per phase and the closing
 * reconciliation, which adds up (exit code 0). What differs per run goes to standard error. A small
 * company keeps it to seconds; the default one is checked by hand (see the README's Demo section).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = ['--contacts', '300', '--leads', '150', '--sf-contacts', '150'];

function demo(args: string[]): Promise<{ stdout: string; stderr: string }> {
  // the Node running the tests (the project's Node 24), with tsx: no build needed
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--once', ...args], {
    cwd: ROOT,
    maxBuffer: 10 * 1024 * 1024,
  });
}

describe('npm run demo', () => {
  it('prints the same report for the same seed, and the funnels add up to the workspace', async () => {
    const [a, b] = await Promise.all([demo(['--seed', '7', ...SMALL]), demo(['--seed', '7', ...SMALL])]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('HubSpot sandbox: 300 contacts, seed 7, portal time 2026-11-27T12:00:00.000Z');
    // both systems installed through the product's install flow, the second into the first one's workspace
    expect(a.stdout).toMatch(/1\. HubSpot installed through its OAuth consent page: portal \d+, approved by \S+@\S+; a new workspace, admin \S+@\S+ \(\d+ API calls\)/);
    expect(a.stdout).toMatch(/3\. Salesforce installed through its OAuth consent page \(with PKCE\): org 00D\w+, approved by \S+; the same workspace, admins \S+ and \S+ \(\d+ API calls\)/);
    expect(a.stdout).toMatch(/6\. Written back: 300 HubSpot contacts in 3 batch updates .* Salesforce leads and contacts in 2 collection updates/);
    expect(a.stdout).toMatch(/One company, one funnel: [\d,]+ people = 300 in the HubSpot funnel \+ [\d,]+ in the Salesforce funnel − [\d,]+ in both/);
    // the SLA act: reps answer through each CRM's API, the clock moves on, the figures add up per system
    expect(a.stdout).toMatch(/8\. SLA: the reps answer the \d+ HubSpot and \d+ Salesforce handoffs waiting for a first touch/);
    const row = (label: string) => a.stdout.match(new RegExp(`^  ${label} +(\\d+) +(\\d+)$`, 'm'))?.slice(1).map(Number);
    const [opened, onTime, late, breached, pending] = ['handoffs opened', 'first touch met on time', 'first touch met late', 'breached and escalated', 'still pending'].map(row);
    expect(opened?.every((count) => count > 0)).toBe(true);
    for (const system of [0, 1]) expect(onTime![system]! + late![system]! + breached![system]!).toBeLessThanOrEqual(opened![system]!);
    expect(onTime!.some((count) => count > 0) && late!.some((count) => count > 0)).toBe(true);
    expect(pending).toEqual([0, 0]);
    expect(a.stdout).toMatch(/SLA status on the HubSpot records \(API\): .*met \d+/);
    expect(a.stdout).not.toContain('does not add up');
    expect(a.stdout).not.toContain('127.0.0.1');
    expect(a.stderr).toContain('(this run) HubSpot sandbox http://127.0.0.1:');
  }, 180_000);
});
