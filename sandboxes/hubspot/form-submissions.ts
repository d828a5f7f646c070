/**
 * A visitor submitting one of the portal's forms after seeding (`sandbox.submitForm()`,
 * `POST /__sandbox/forms/:formId/submissions`): the submission joins the form's list (newest first in
 * `GET /form-integrations/v1/submissions/forms/:formGuid`) and the contact's conversion properties and
 * `lastmodifieddate` move, as HubSpot's would. `submittedAt` defaults to the sandbox clock and may lie
 * in the past (never the future): HubSpot processes submissions asynchronously, so one can become
 * readable after later ones, or after a reader's pass that started later than its submittedAt.
 */
import { Prng } from '../kit/prng';
import type { SandboxContext } from './context';
import { FORMS } from './seed-catalog';

export interface FormSubmissionRequest {
  formId: string;
  /** The submitter: a live contact by id, or by email. */
  contactId?: string;
  email?: string;
  /** Epoch ms or ISO 8601; default the sandbox clock. */
  submittedAt?: number | string;
}

export interface FormSubmissionResult {
  formId: string;
  contactId: string;
  submittedAt: number;
  conversionId: string;
}

export class FormSubmissionRejected extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export function submitForm(ctx: SandboxContext, request: FormSubmissionRequest): FormSubmissionResult {
  const problems: string[] = [];
  const formIndex = FORMS.findIndex((f) => f.id === request.formId);
  if (formIndex === -1) problems.push(`no form ${String(request.formId)}; forms: ${FORMS.map((f) => f.id).join(', ')}`);
  let contact: number | undefined;
  if (request.contactId !== undefined) {
    contact = ctx.store.contactIndexOf(String(request.contactId));
    if (contact === undefined) problems.push(`contactId: no live contact ${String(request.contactId)}`);
  } else if (typeof request.email === 'string' && request.email !== '') {
    const wanted = request.email.trim().toLowerCase();
    for (const record of ctx.store.collection('contacts').scan()) {
      if (record.properties.email?.toLowerCase() === wanted) {
        contact = ctx.store.contactIndexOf(record.id);
        break;
      }
    }
    if (contact === undefined) problems.push(`email: no live contact has ${request.email}`);
  } else {
    problems.push('contactId or email is required');
  }
  const now = ctx.clock.now();
  const submittedAt = request.submittedAt === undefined ? now : typeof request.submittedAt === 'number' ? request.submittedAt : Date.parse(request.submittedAt);
  if (!Number.isFinite(submittedAt)) problems.push(`submittedAt must be epoch ms or ISO 8601, got ${JSON.stringify(request.submittedAt)}`);
  else if (submittedAt > now) problems.push(`submittedAt ${new Date(submittedAt).toISOString()} is after the sandbox clock (${new Date(now).toISOString()})`);
  if (problems.length > 0) throw new FormSubmissionRejected(problems);
  const form = FORMS[formIndex]!;
  const conversionId = Prng.for(ctx.store.seed.options.seed, 92, formIndex, ctx.store.liveSubmissionCount(formIndex)).uuid();
  ctx.store.submitForm(formIndex, contact!, submittedAt, conversionId, new Date(now).toISOString(), form.name);
  return { formId: form.id, contactId: ctx.store.contactRecord(contact!).id, submittedAt, conversionId };
}
