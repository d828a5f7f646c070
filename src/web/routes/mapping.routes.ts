import express, { Router, type Request, type Response } from 'express';
import { parse as parseYaml, stringify } from 'yaml';
import { z } from 'zod';
import type { CrmFieldDescription, CrmFieldType } from '../../connector/crm-connector';
import type { FieldMapping, WritePolicy } from '../../connector/field-mapping';
import type { Installation, InstallationProblemRecord } from '../../store';
import { sendError } from '../http/errors';
import { multipartForm, uploadedFiles, type UploadedFile } from '../http/multipart';
import { html, type Raw } from '../http/html';
import { sessionOf, type WebSession } from '../http/session';
import { validate } from '../http/validate';
import { consolePage, csrfField, when } from '../pages/layout';
import type { WebDeps } from '../web-deps';
import { member, type RouteGroup } from './route-group';

const InstallationParams = z.object({ id: z.uuid('expected an installation id') }).strict();
const POLICIES = ['always', 'if_empty', 'never'] as const;
const POLICY_LABELS: Record<WritePolicy, string> = { always: 'always write', if_empty: 'only if empty', never: 'never write' };
/** The form: flat `r<row>.<field>` keys, every value short. */
const MappingForm = z.record(z.string().max(100), z.string().max(300, 'at most 300 characters')).refine((body) => Object.keys(body).length <= 600, 'too many fields');
const YamlEntry = z.strictObject({
  objectType: z.string().min(1).max(50),
  canonicalField: z.string().min(1).max(100),
  crmProperty: z.string().min(1).max(200),
  direction: z.enum(['read', 'write', 'both']),
  writePolicy: z.enum(POLICIES),
  values: z.record(z.string().max(200), z.string().max(200)).optional(),
  allowBackward: z.boolean().optional(),
  companyProperty: z.string().max(200).optional(),
});
const YamlFile = z.strictObject({ mappings: z.array(YamlEntry).max(500) });
const ImportBody = z.object({ _csrf: z.string().optional(), yaml: z.string().min(1, 'paste the YAML of a mapping').max(60_000, 'at most 60,000 characters') });

/** Mapping forms have a field per row and value: more than the default 50 parameters. */
const mappingBody = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 600 });

/** What each canonical field needs of the CRM field it is written to, in an admin's words. */
const NEEDS: Record<string, { types: CrmFieldType[]; words: string }> = {
  score: { types: ['number', 'string', 'text'], words: 'a number (or text) field' },
  fitScore: { types: ['number', 'string', 'text'], words: 'a number (or text) field' },
  engagementScore: { types: ['number', 'string', 'text'], words: 'a number (or text) field' },
  mqlDate: { types: ['date', 'datetime', 'string'], words: 'a date field' },
  sqlDate: { types: ['date', 'datetime', 'string'], words: 'a date field' },
  slaDue: { types: ['datetime', 'date', 'string'], words: 'a date/time field' },
  slaFirstTouch: { types: ['datetime', 'date', 'string'], words: 'a date/time field' },
  reasons: { types: ['text', 'string'], words: 'a text field' },
};
const TEXTUAL = { types: ['string', 'text', 'enumeration'] as CrmFieldType[], words: 'a text or picklist field' };
const TYPE_WORDS: Record<CrmFieldType, string> = { string: 'text', text: 'long text', number: 'numbers', boolean: 'yes/no values', date: 'dates', datetime: 'dates and times', enumeration: 'a fixed list of options', reference: 'links to other records', other: 'values of another kind' };

interface Row {
  index: number;
  mapping: FieldMapping;
  /** Value maps are shown Leadstage value → CRM option; a read-side map (CRM option → value) is turned round. */
  inverted: boolean;
}
interface Edited {
  crmProperty: string;
  writePolicy: WritePolicy;
  values: Record<string, string> | undefined;
}

const writes = (m: FieldMapping) => m.direction === 'write' || m.direction === 'both';

function rowsOf(mappings: readonly FieldMapping[]): Row[] {
  // a mapping read and written (both) is listed on both sides: one row for it
  const seen = new Set<string>();
  return mappings
    .filter(writes)
    .filter((m) => {
      const key = `${m.objectType}\u0000${m.canonicalField}\u0000${m.crmProperty}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.objectType.localeCompare(b.objectType) || a.canonicalField.localeCompare(b.canonicalField) || a.crmProperty.localeCompare(b.crmProperty))
    .map((mapping, index) => ({ index, mapping, inverted: mapping.direction !== 'write' }));
}

/** The map as the form shows it: Leadstage value → CRM option. */
function shownValues(row: Row): Record<string, string> | undefined {
  const values = row.mapping.values;
  if (!values) return undefined;
  if (!row.inverted) return { ...values };
  const out: Record<string, string> = {};
  for (const [crm, canonical] of Object.entries(values)) if (!(canonical in out)) out[canonical] = crm;
  return out;
}

/**
 * Field mapping of one installation: each field Leadstage writes → the CRM field, chosen from the
 * CRM's own schema (read live), with a write policy and, where the CRM field is a list of options,
 * the option for each Leadstage value. A save is checked against that schema first (the field
 * exists, holds the right kind of value, is writable, the options exist, the value maps are
 * complete); on any problem nothing is saved and each problem is shown next to its field. Every
 * save is a new version. The mapping downloads as YAML.
 */
export const mappingRoutes: RouteGroup = {
  name: 'mapping',
  access: 'members',
  router(deps) {
    const router = Router();
    const { store } = deps.runtime;

    async function load(req: Request, res: Response) {
      const params = validate(req, res, 'params', InstallationParams);
      if (!params) return null;
      const session = sessionOf(res)!;
      const installation = await store.installations.get(session.workspaceId, params.id);
      if (!installation) {
        sendError(res, 404, 'not_found', 'no such installation in this workspace');
        return null;
      }
      return { session, installation };
    }

    async function context(installation: Installation): Promise<Ctx> {
      if (installation.status === 'disconnected' || !installation.hasCredentials) return { problem: 'This system is disconnected: connect it again to read its fields and edit the mapping.' };
      const connector = await deps.runtime.deps.connectorFor(installation);
      if (!connector.describeFields || !connector.effectiveMappings) return { problem: 'This system does not describe its fields to Leadstage: its mapping can only be changed in its mapping file.' };
      const rows = rowsOf(connector.effectiveMappings());
      const objectTypes = [...new Set(rows.map((r) => r.mapping.objectType))];
      const described = await Promise.all(objectTypes.map(async (t) => [t, await connector.describeFields!(t)] as const));
      return { rows, fields: new Map(described.map(([t, list]) => [t, new Map(list.map((f) => [f.name, f]))])) };
    }

    router.get('/console/installations/:id/mapping', ...member, async (req, res) => {
      const loaded = await load(req, res);
      if (!loaded) return;
      const { session, installation } = loaded;
      const ctx = await context(installation).catch((error: Error) => ({ problem: `Could not read the fields from the system: ${error.message}` }) as Ctx);
      const versions = await store.mappings.listVersions(session.workspaceId, installation.id, 10);
      const notice = req.query.saved !== undefined ? `Saved as version ${String(req.query.saved).slice(0, 10)}. The next write-back uses it.`
        : req.query.unchanged !== undefined ? 'The imported mapping is the one in use: nothing changed, no new version.' : null;
      res.type('html').send(mappingPage(deps, session, installation, ctx, versions, notice, null, {}));
    });

    router.get('/console/installations/:id/mapping.yaml', ...member, async (req, res) => {
      const loaded = await load(req, res);
      if (!loaded) return;
      const ctx = await context(loaded.installation).catch(() => null);
      const current = ctx && 'rows' in ctx ? (await deps.runtime.deps.connectorFor(loaded.installation)).effectiveMappings!() : await store.mappings.listMappings(loaded.installation.id);
      res.type('application/yaml').attachment(`${loaded.installation.provider}-mapping.yaml`).send(stringify({ mappings: current.map((m) => ({ ...m })) }));
    });

    router.post('/console/installations/:id/mapping', mappingBody, ...member, async (req, res) => {
      const loaded = await load(req, res);
      if (!loaded) return;
      const { session, installation } = loaded;
      const parsed = MappingForm.safeParse(req.body);
      if (!parsed.success) return validate(req, res, 'body', MappingForm);
      const body = parsed.data;
      const ctx = await context(installation);
      if (!('rows' in ctx)) return sendError(res, 409, 'conflict', ctx.problem);
      const system = systemOf(deps, installation);
      const errors: Record<string, string> = {};
      const edits = new Map<number, Edited>();
      for (const row of ctx.rows) {
        const key = `r${row.index}`;
        const crmProperty = (body[`${key}.crmProperty`] ?? row.mapping.crmProperty).trim();
        const policyRaw = body[`${key}.writePolicy`] ?? row.mapping.writePolicy;
        const writePolicy = (POLICIES as readonly string[]).includes(policyRaw) ? (policyRaw as WritePolicy) : null;
        if (!writePolicy) errors[`${key}.writePolicy`] = 'Choose always write, only if empty or never write.';
        const shown = shownValues(row);
        let values: Record<string, string> | undefined;
        if (shown) {
          values = {};
          for (const value of Object.keys(shown)) values[value] = (body[`${key}.values.${value}`] ?? shown[value]!).trim();
        }
        edits.set(row.index, { crmProperty, writePolicy: writePolicy ?? row.mapping.writePolicy, values });
        const field = ctx.fields.get(row.mapping.objectType)?.get(crmProperty);
        if (!crmProperty) errors[`${key}.crmProperty`] = `Choose the ${system} field that gets ${row.mapping.canonicalField}.`;
        else if (!field) {
          // a field the CRM lost under a saved mapping may be parked (never written) until it is back
          if (writePolicy !== 'never') {
            errors[`${key}.crmProperty`] = crmProperty === row.mapping.crmProperty
              ? `${system} no longer has a ${row.mapping.objectType} field named “${crmProperty}” (it was deleted there, or Leadstage lost access to it): choose another field for ${row.mapping.canonicalField}, or set it to never write.`
              : `${system} has no ${row.mapping.objectType} field named “${crmProperty}”.`;
          }
        } else {
          const need = NEEDS[row.mapping.canonicalField] ?? TEXTUAL;
          if (writePolicy !== 'never' && !field.writable) errors[`${key}.crmProperty`] = `“${field.label}” (${field.name}) is read-only in ${system}: Leadstage cannot write it. Choose another field, or set this one to never write.`;
          else if (!need.types.includes(field.type)) errors[`${key}.crmProperty`] = `“${field.label}” (${field.name}) holds ${TYPE_WORDS[field.type]}; ${row.mapping.canonicalField} needs ${need.words}.`;
          else if (field.type === 'enumeration' && !values && writePolicy !== 'never' && crmProperty !== row.mapping.crmProperty) errors[`${key}.crmProperty`] = `“${field.label}” (${field.name}) only takes its own list of options, and ${row.mapping.canonicalField} has no option map here: choose a text field.`;
        }
        if (values && field) {
          const options = field.options ? new Map(field.options.map((o) => [o.value.toLowerCase(), o.value])) : null;
          const taken = new Map<string, string>();
          for (const [value, option] of Object.entries(values)) {
            const before = taken.get(option.toLowerCase());
            if (option) taken.set(option.toLowerCase(), value);
            if (row.inverted && option && before !== undefined) errors[`${key}.values.${value}`] = `“${option}” already stands for “${before}”: each ${system} option can stand for one value only.`;
            else if (!option) errors[`${key}.values.${value}`] = `Give the ${system} option for “${value}”: every value needs one.`;
            else if (options && !options.has(option.toLowerCase())) errors[`${key}.values.${value}`] = `“${option}” is not an option of “${field.label}” (${field.name}) in ${system}. Its options: ${[...options.values()].join(', ')}.`;
          }
        }
      }
      if (Object.keys(errors).length > 0) {
        const versions = await store.mappings.listVersions(session.workspaceId, installation.id, 10);
        res.status(400).type('html').send(mappingPage(deps, session, installation, ctx, versions, null, errors, Object.fromEntries([...edits].map(([i, e]) => [i, e]))));
        return;
      }
      // the installation's own rows: the changed ones replace theirs; a field given up is set to never
      const own = await store.mappings.listMappings(installation.id);
      const changed: FieldMapping[] = [];
      for (const row of ctx.rows) {
        const edit = edits.get(row.index)!;
        const values = edit.values && row.inverted ? Object.fromEntries(Object.entries(edit.values).map(([value, option]) => [option, value])) : edit.values;
        const same = edit.crmProperty === row.mapping.crmProperty && edit.writePolicy === row.mapping.writePolicy && JSON.stringify(values ?? null) === JSON.stringify(row.mapping.values ?? null);
        if (same) continue;
        changed.push({ objectType: row.mapping.objectType, canonicalField: row.mapping.canonicalField, crmProperty: edit.crmProperty, direction: row.mapping.direction, writePolicy: edit.writePolicy, ...(values ? { values } : {}), ...(row.mapping.allowBackward !== undefined ? { allowBackward: row.mapping.allowBackward } : {}) });
        if (edit.crmProperty !== row.mapping.crmProperty) changed.push({ objectType: row.mapping.objectType, canonicalField: row.mapping.canonicalField, crmProperty: row.mapping.crmProperty, direction: 'write', writePolicy: 'never' });
      }
      const keyOf = (m: FieldMapping) => `${m.objectType}\u0000${m.canonicalField}\u0000${m.crmProperty}`;
      const replaced = new Set(changed.map(keyOf));
      const next = [...own.filter((m) => !replaced.has(keyOf(m))), ...changed];
      const version = await store.mappings.saveVersion(session.workspaceId, installation.id, next, session.email, `${changed.length} change(s) in the console`);
      deps.runtime.forget(installation.id);
      await resolveFixedProblems(deps, installation);
      deps.runtime.logger.info('field mapping saved', { installationId: installation.id, version, changes: changed.length, by: session.userId });
      res.redirect(303, `/console/installations/${installation.id}/mapping?saved=${version}`);
    });
    // a YAML mapping (as downloaded) pasted back: checked against the CRM like the form, all or nothing
    // or uploaded as a file (multipart): read into the same text and checked the same way
    router.post('/console/installations/:id/mapping/import', ...multipartForm(`${MAX_UPLOAD_BYTES * 2}b`, 4), mappingBody, ...member, async (req, res) => {
      const loaded = await load(req, res);
      if (!loaded) return;
      const { session, installation } = loaded;
      const upload = uploadedFiles(res).file;
      const read = upload ? readUpload(upload) : readPasted(req.body);
      const ctx = await context(installation);
      if (!('rows' in ctx)) return sendError(res, 409, 'conflict', ctx.problem);
      const source = upload?.filename || null;
      const refuse = async (yaml: string, problems: string[]) => {
        const versions = await store.mappings.listVersions(session.workspaceId, installation.id, 10);
        res.status(400).type('html').send(mappingPage(deps, session, installation, ctx, versions, null, null, {}, { yaml, problems, source }));
      };
      if ('problem' in read) return refuse('', [read.problem]);
      const form = { yaml: read.yaml };
      const system = systemOf(deps, installation);
      const problems: string[] = [];
      let entries: FieldMapping[] = [];
      try {
        const parsed = YamlFile.safeParse(parseYaml(form.yaml));
        if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.length > 0 ? `at ${i.path.join('.')}` : 'the file'}: ${i.message}`));
        else entries = parsed.data.mappings.map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as FieldMapping);
      } catch (error) {
        problems.push(`the YAML cannot be read: ${(error as Error).message.split('\n')[0]}`);
      }
      const current = new Set(ctx.rows.map((r) => `${r.mapping.objectType}\u0000${r.mapping.canonicalField}\u0000${r.mapping.crmProperty}\u0000${r.mapping.writePolicy}\u0000${JSON.stringify(r.mapping.values ?? null)}`));
      const changed = entries.filter(writes).filter((m) => !current.has(`${m.objectType}\u0000${m.canonicalField}\u0000${m.crmProperty}\u0000${m.writePolicy}\u0000${JSON.stringify(m.values ?? null)}`));
      for (const m of changed) {
        const field = ctx.fields.get(m.objectType)?.get(m.crmProperty);
        const at = `${m.objectType} ${m.canonicalField} → ${m.crmProperty}`;
        const need = NEEDS[m.canonicalField] ?? TEXTUAL;
        if (!ctx.fields.has(m.objectType)) problems.push(`${at}: Leadstage writes no ${m.objectType} records in ${system}.`);
        else if (!field) problems.push(`${at}: ${system} has no ${m.objectType} field named “${m.crmProperty}”.`);
        else if (m.writePolicy !== 'never' && !field.writable) problems.push(`${at}: “${field.label}” (${field.name}) is read-only in ${system}.`);
        else if (!need.types.includes(field.type)) problems.push(`${at}: “${field.label}” (${field.name}) holds ${TYPE_WORDS[field.type]}; ${m.canonicalField} needs ${need.words}.`);
        else if (m.values && field.options) {
          const options = new Set(field.options.map((o) => o.value.toLowerCase()));
          const optionsOf = m.direction === 'write' ? Object.values(m.values) : Object.keys(m.values);
          for (const option of optionsOf) if (!options.has(option.toLowerCase())) problems.push(`${at}: “${option}” is not an option of “${field.label}” (${field.name}) in ${system}.`);
        }
      }
      if (problems.length > 0) return refuse(form.yaml, problems);
      // the mapping as it stands: no new version that changes nothing
      if (changed.length === 0) return res.redirect(303, `/console/installations/${installation.id}/mapping?unchanged=1`);
      const own = await store.mappings.listMappings(installation.id);
      const keyOf = (m: FieldMapping) => `${m.objectType}\u0000${m.canonicalField}\u0000${m.crmProperty}`;
      const replaced = new Set(changed.map(keyOf));
      const version = await store.mappings.saveVersion(session.workspaceId, installation.id, [...own.filter((m) => !replaced.has(keyOf(m))), ...changed], session.email, `imported from ${source ? `the file ${source.slice(0, 100)}` : 'YAML'}: ${changed.length} change(s)`);
      deps.runtime.forget(installation.id);
      await resolveFixedProblems(deps, installation);
      res.redirect(303, `/console/installations/${installation.id}/mapping?saved=${version}`);
    });
    return router;
  },
};

/**
 * A value map in the order the CRM lists its options (a stored map comes back in the database's key
 * order): values whose option the field lacks, or a field without options, follow by name.
 */
function inOptionOrder(values: Record<string, string> | undefined, field: CrmFieldDescription | undefined): Record<string, string> | undefined {
  if (!values) return undefined;
  const rank = new Map((field?.options ?? []).map((o, i) => [o.value.toLowerCase(), i]));
  const at = (option: string) => rank.get(option.toLowerCase()) ?? Number.MAX_SAFE_INTEGER;
  return Object.fromEntries(Object.entries(values).sort(([a, x], [b, y]) => at(x) - at(y) || a.localeCompare(b)));
}

/**
 * A problem about a field Leadstage wrote (`details.field`, a mapping-page fix) is fixed once the new
 * mapping writes that field no more (mapped elsewhere, or never written): it leaves Connections. If
 * the field is written again and still refused, the connector reports it again.
 */
async function resolveFixedProblems(deps: WebDeps, installation: Installation): Promise<void> {
  const { store } = deps.runtime;
  const problems = (await store.problems.list(installation.workspaceId, installation.id)).filter((p) => p.details.mappingPage === true && typeof p.details.field === 'string');
  if (problems.length === 0) return;
  const connector = await deps.runtime.deps.connectorFor(installation);
  if (!connector.effectiveMappings) return;
  const mapped = connector.effectiveMappings().filter((m) => writes(m) && m.writePolicy !== 'never');
  // on the problem's object when it names one (the same field may still be written on another)
  const stillWritten = (p: InstallationProblemRecord) => mapped.some((m) => m.crmProperty.toLowerCase() === String(p.details.field).toLowerCase() && (typeof p.details.objectType !== 'string' || m.objectType.toLowerCase() === p.details.objectType.toLowerCase()));
  const fixed = problems.filter((p) => !stillWritten(p)).map((p) => p.key);
  if (fixed.length > 0) await store.problems.resolve(installation.workspaceId, installation.id, fixed);
}

/** The largest mapping file taken, as pasted (characters) or uploaded (bytes). */
const MAX_UPLOAD_BYTES = 60_000;

/** The pasted YAML, or what is wrong with the form, in an admin's words. */
function readPasted(body: unknown): { yaml: string } | { problem: string } {
  const parsed = ImportBody.safeParse(body ?? {});
  if (parsed.success) return { yaml: parsed.data.yaml };
  return { problem: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** An uploaded mapping file as text: one was chosen, it is not empty or too large, it is UTF-8. */
function readUpload(file: UploadedFile): { yaml: string } | { problem: string } {
  if (file.filename === '' && file.content.length === 0) return { problem: 'Choose a YAML file to upload: no file was chosen.' };
  const name = `“${file.filename.slice(0, 100)}”`;
  if (file.content.length === 0) return { problem: `${name} is empty: choose the YAML file of a mapping (as downloaded above).` };
  if (file.content.length > MAX_UPLOAD_BYTES) return { problem: `${name} has ${file.content.length.toLocaleString('en')} bytes; a mapping file has at most ${MAX_UPLOAD_BYTES.toLocaleString('en')}.` };
  try {
    return { yaml: new TextDecoder('utf-8', { fatal: true }).decode(file.content) };
  } catch {
    return { problem: `${name} is not a text file (not UTF-8): upload the YAML of a mapping, as downloaded above.` };
  }
}

function systemOf(deps: WebDeps, installation: Installation): string {
  return deps.runtime.deps.connectors.has(installation.provider) ? deps.runtime.deps.connectors.get(installation.provider).label : installation.provider;
}

type Ctx = { problem: string } | { rows: Row[]; fields: Map<string, Map<string, CrmFieldDescription>> };

function mappingPage(deps: WebDeps, session: WebSession, installation: Installation, ctx: Ctx, versions: Array<{ version: number; createdBy: string; createdAt: string; note: string | null }>, notice: string | null, errors: Record<string, string> | null, edits: Record<number, Edited>, imported: { yaml: string; problems: string[]; source: string | null } | null = null): string {
  const system = systemOf(deps, installation);
  const admin = session.role === 'admin';
  const title = `Field mapping · ${system}`;
  let content: Raw;
  if ('problem' in ctx) content = html`<p class="notice">${ctx.problem}</p>`;
  else {
    const err = (name: string) => (errors?.[name] ? html`<p class="error" id="${name}-error">${errors[name]}</p>` : '');
    const invalid = (name: string) => (errors?.[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : '');
    const rows = ctx.rows.map((row) => {
      const key = `r${row.index}`;
      const edit = edits[row.index];
      const chosen = edit?.crmProperty ?? row.mapping.crmProperty;
      const policy = edit?.writePolicy ?? row.mapping.writePolicy;
      const fields = [...(ctx.fields.get(row.mapping.objectType)?.values() ?? [])];
      const need = NEEDS[row.mapping.canonicalField] ?? TEXTUAL;
      const fits = fields.filter((f) => f.writable && need.types.includes(f.type));
      const others = fields.filter((f) => !fits.includes(f));
      const option = (f: CrmFieldDescription) => html`<option value="${f.name}"${f.name === chosen ? html` selected` : ''}>${f.label} (${f.name})</option>`;
      const unknown = chosen && !fields.some((f) => f.name === chosen) ? html`<option value="${chosen}" selected>${chosen} (not in ${system})</option>` : '';
      const field = ctx.fields.get(row.mapping.objectType)?.get(chosen);
      const values = inOptionOrder(edit?.values ?? shownValues(row), field);
      const listId = `${key}-options`;
      return html`<tr data-row="${row.mapping.objectType}.${row.mapping.canonicalField}.${row.mapping.crmProperty}">
        <td>${row.mapping.canonicalField}<br><small>${row.mapping.objectType}${row.mapping.direction === 'both' ? ', also read' : ''}</small></td>
        <td><label class="sr" for="${key}.crmProperty">${system} field for ${row.mapping.canonicalField}</label>
          <select id="${key}.crmProperty" name="${key}.crmProperty"${invalid(`${key}.crmProperty`)}${admin ? '' : html` disabled`}>${unknown}<optgroup label="Fits (${need.words}, writable)">${fits.map(option)}</optgroup><optgroup label="Other fields">${others.map(option)}</optgroup></select>
          ${err(`${key}.crmProperty`)}</td>
        <td><label class="sr" for="${key}.writePolicy">Write policy for ${row.mapping.canonicalField}</label>
          <select id="${key}.writePolicy" name="${key}.writePolicy"${invalid(`${key}.writePolicy`)}${admin ? '' : html` disabled`}>${POLICIES.map((p) => html`<option value="${p}"${p === policy ? html` selected` : ''}>${POLICY_LABELS[p]}</option>`)}</select>${err(`${key}.writePolicy`)}</td>
        <td>${values ? html`${field?.options ? html`<datalist id="${listId}">${field.options.map((o) => html`<option value="${o.value}">`)}</datalist>` : ''}
          <table class="values"><tbody>${Object.entries(values).map(([value, crm]) => html`<tr><td><label for="${key}.values.${value}">${value}</label></td><td><input id="${key}.values.${value}" name="${key}.values.${value}" value="${crm}" list="${listId}"${invalid(`${key}.values.${value}`)}${admin ? '' : html` disabled`}>${err(`${key}.values.${value}`)}</td></tr>`)}</tbody></table>${row.inverted ? html`<small class="muted">Each option is read as its value, and is what Leadstage writes for it.</small>` : ''}` : html`<small class="muted">—</small>`}</td>
      </tr>`;
    });
    content = html`${errors ? html`<p class="error" role="alert">Nothing was saved: ${Object.keys(errors).length} problem(s) below, each next to its field.</p>` : ''}
      <form method="post" action="/console/installations/${installation.id}/mapping">${csrfField(session)}
      <table id="mapping"><thead><tr><th>Leadstage writes</th><th>${system} field</th><th>Policy</th><th>Values (Leadstage → ${system} option)</th></tr></thead><tbody>${rows}</tbody></table>
      ${admin ? html`<p><button type="submit" class="primary">Check and save</button></p>` : html`<p class="muted">Only an admin can change the mapping.</p>`}</form>`;
  }
  const body = html`<p><a href="/console">← Connections</a></p>
    <h1>${title} <small class="muted">${installation.displayName}</small></h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    <p>The fields are read live from ${system}. Fields Leadstage only reads follow the mapping file. <a href="/console/installations/${installation.id}/mapping.yaml">Download the mapping as YAML</a></p>
    ${content}
    ${admin && !('problem' in ctx) ? html`<h2 id="import">Import a mapping</h2>
      <p>A mapping in YAML (as downloaded above) is checked against ${system} like the form, and nothing is saved if anything is wrong.</p>
      ${imported ? html`<div id="yaml-error" class="error" role="alert"><p>Nothing was imported${imported.source ? html` from “${imported.source}”` : ''}:</p><ul>${imported.problems.map((p) => html`<li>${p}</li>`)}</ul>${imported.source && imported.yaml ? html`<p>The file's content is in the box below: correct it there and import it, or upload a corrected file.</p>` : ''}</div>` : ''}
      <form method="post" action="/console/installations/${installation.id}/mapping/import" enctype="multipart/form-data">${csrfField(session)}
        <p><label for="yaml-file">Upload a mapping file (.yaml)</label>
        <input type="file" id="yaml-file" name="file" accept=".yaml,.yml,application/yaml,text/yaml,text/plain"${imported?.source !== undefined && imported.source !== null ? html` aria-invalid="true" aria-describedby="yaml-error"` : ''}>
        <button type="submit">Check and import the file</button></p></form>
      <form method="post" action="/console/installations/${installation.id}/mapping/import">${csrfField(session)}
        <p><label for="yaml">Or paste a mapping in YAML</label></p>
        <textarea id="yaml" name="yaml" rows="8" cols="100"${imported && imported.source === null ? html` aria-invalid="true" aria-describedby="yaml-error"` : ''}>${imported?.yaml ?? ''}</textarea>
        <p><button type="submit">Check and import</button></p></form>` : ''}
    <h2>Versions</h2>
    ${versions.length === 0 ? html`<p>The shipped defaults, never changed here.</p>` : html`<table id="versions"><thead><tr><th>Version</th><th>Saved</th><th>By</th><th>Note</th></tr></thead><tbody>${versions.map((v) => html`<tr><td>${v.version}</td><td class="nowrap">${when(v.createdAt)}</td><td>${v.createdBy}</td><td>${v.note ?? ''}</td></tr>`)}</tbody></table>`}`;
  return consolePage(title, session, '/console', body);
}
