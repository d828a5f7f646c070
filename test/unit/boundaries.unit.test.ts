/**
 * The connector boundary, checked on the source tree: vendor knowledge stays in `connectors/<name>/`
 * (only the registry names the connectors), no connector imports another, and the product never
 * imports a sandbox. Adding a connector must not mean editing the worker, the jobs or the wiring.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const PRODUCT = ['src', 'jobs', 'connectors'];
const CONNECTOR_NAMES = readdirSync(join(ROOT, 'connectors')).filter((name) => statSync(join(ROOT, 'connectors', name)).isDirectory());
/** Every system a connector exists or is planned for: a mention of any of them is vendor knowledge. */
const VENDORS = [...new Set([...CONNECTOR_NAMES, 'hubspot', 'salesforce', 'marketo', 'pardot'])];

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Code, its comments and READMEs; not the frozen SQL migrations (their checksums are stored in every deployed database). */
const productFiles = PRODUCT.flatMap(filesUnder).filter((file) => /\.(ts|js|json|ya?ml|md)$/.test(file));

function connectorOf(file: string): string | null {
  const parts = file.split(sep);
  return parts[0] === 'connectors' && parts.length > 2 ? parts[1]! : null;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => relative(ROOT, resolve(ROOT, dirname(file), match[1]!)));
}

describe('connector boundary', () => {
  it('finds the connectors and the product files it checks', () => {
    expect(CONNECTOR_NAMES).toEqual(expect.arrayContaining(['hubspot', 'salesforce']));
    expect(productFiles.length).toBeGreaterThan(100);
  });

  it('names a vendor outside connectors/<name>/ only in the registry', () => {
    const mentions: Record<string, string[]> = {};
    for (const file of productFiles) {
      const text = readFileSync(join(ROOT, file), 'utf8').toLowerCase();
      const owner = connectorOf(file);
      for (const vendor of VENDORS) {
        if (vendor === owner || !text.includes(vendor)) continue;
        (mentions[vendor] ??= []).push(file);
      }
    }
    const registry = join('connectors', 'registry.ts');
    for (const vendor of CONNECTOR_NAMES) expect({ vendor, files: mentions[vendor] ?? [] }).toEqual({ vendor, files: [registry] });
    for (const vendor of VENDORS.filter((v) => !CONNECTOR_NAMES.includes(v))) expect({ vendor, files: mentions[vendor] ?? [] }).toEqual({ vendor, files: [] });
  });

  it('no connector imports another connector', () => {
    const crossings = productFiles.flatMap((file) => {
      const owner = connectorOf(file);
      if (!owner) return [];
      return importsOf(file)
        .filter((target) => connectorOf(target) !== null && connectorOf(target) !== owner)
        .map((target) => `${file} → ${target}`);
    });
    expect(crossings).toEqual([]);
  });

  it('the product never imports a sandbox, a test, a benchmark or a script', () => {
    const outside = productFiles.flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(sandboxes|test|bench|scripts)(\/|$)/.test(target.split(sep).join('/')))
        .map((target) => `${file} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('the Docker image builds the product alone', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)].map((match) => match[1]);
    for (const folder of ['sandboxes', 'test', 'bench', 'scripts']) expect(copied).not.toContain(folder);
    const product = JSON.parse(readFileSync(join(ROOT, 'tsconfig.product.json'), 'utf8')) as { include: string[] };
    expect([...product.include].sort()).toEqual([...PRODUCT].sort());
  });
});
