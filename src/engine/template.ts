
import { compileFieldReader, type Facts } from './facts';

export type TemplateValues = Record<string, string | number>;
export type RenderTemplate = (facts: Facts, values?: TemplateValues) => string;

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The names of a template's placeholders, in order. */
export function placeholdersOf(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (match) => match[1]!);
}

/**
 * Reason templates: "{title} at a {employees}-employee {industry} company". Placeholders name a
 * person field or a value the rule supplies ({count}, {window}); compiled once into parts.
 */
export function compileTemplate(template: string): RenderTemplate {
  const parts: Array<string | { name: string; read: ReturnType<typeof compileFieldReader> }> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index));
    const name = match[1]!;
    parts.push({ name, read: compileFieldReader(name) });
    last = match.index! + match[0].length;
  }
  parts.push(template.slice(last));
  if (parts.length === 1) {
    const constant = template;
    return () => constant;
  }
  return (facts, values) => {
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (typeof part === 'string') out += part;
      else {
        const value = values?.[part.name] ?? part.read(facts);
        out += value === null || value === undefined ? 'unknown' : formatValue(value);
      }
    }
    return out;
  };
}

/** Numbers read as people write them: 450, 1,200, 2.5 (toLocaleString is slow on a hot path). */
function formatValue(value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return String(value);
  if (!Number.isInteger(value)) return value.toFixed(1);
  // counts and most sizes: no separator to insert
  if (value >= 0 && value < 1000) return String(value);
  // a comma before every group of three from the right, added a group at a time
  const digits = String(Math.abs(value));
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return value < 0 ? `-${out}` : out;
}

