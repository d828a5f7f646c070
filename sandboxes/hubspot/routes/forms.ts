/**
 * Forms: `GET /marketing/v3/forms` (list, `after` paging, limit ≤50) and `GET /marketing/v3/forms/:id`,
 * and the legacy submissions read `GET /form-integrations/v1/submissions/forms/:formGuid`
 * (limit ≤50, default 20, `after` paging, newest first, as the legacy v1 reference documents:
 * "Submissions will be returned in reverse-chronological order"). A submission carries the submitter's
 * email and the page it was submitted on, which is how a connector ties it to a contact and an intent.
 * Seeded submissions are the portal's history; `submitForm` (the handle, `POST /__sandbox/forms/:formId/
 * submissions`) adds live ones, possibly stamped a little in the past (submitted before they were
 * processed), so an incremental reader cannot use its own clock as the watermark.
 */
import { Router } from 'express';
import { Prng } from '../../kit/prng';
import type { SandboxContext } from '../context';
import { intParam, stringParam } from '../crm-view';
import { notFound, validationError } from '../errors';
import { FORMS, SITE_URL, type FormInfo } from '../seed-catalog';

const DAY = 86_400_000;

function encodeCursor(position: number): string {
  return Buffer.from(`pos:${position}`).toString('base64url');
}
function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^pos:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw validationError(`after "${cursor}" is not a cursor returned by this endpoint`);
  return Number(match[1]);
}

const FIELDS_BY_INTENT: Record<FormInfo['intent'], string[]> = {
  demo: ['email', 'firstname', 'lastname', 'company', 'jobtitle', 'phone'],
  trial: ['email', 'firstname', 'lastname', 'company', 'jobtitle'],
  quote: ['email', 'firstname', 'lastname', 'company', 'jobtitle', 'phone'],
  consultation: ['email', 'firstname', 'lastname', 'company', 'jobtitle', 'phone'],
  'contact-sales': ['email', 'firstname', 'lastname', 'company', 'phone'],
  newsletter: ['email'],
  'webinar-registration': ['email', 'firstname', 'lastname', 'company', 'jobtitle'],
  'content-download': ['email', 'firstname', 'lastname', 'company', 'jobtitle'],
  'job-application': ['email', 'firstname', 'lastname'],
};
const LABELS: Record<string, string> = {
  email: 'Email', firstname: 'First name', lastname: 'Last name', company: 'Company name', jobtitle: 'Job title', phone: 'Phone number',
};

export function formsRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { seed } = ctx.store.seed.options;
  const created = new Date(ctx.store.seed.options.now - 300 * DAY).toISOString();

  const formView = (form: FormInfo) => ({
    id: form.id,
    name: form.name,
    createdAt: created,
    updatedAt: created,
    archived: false,
    formType: 'hubspot',
    fieldGroups: FIELDS_BY_INTENT[form.intent].map((name) => ({
      groupType: 'default_group',
      richTextType: 'text',
      fields: [{ objectTypeId: '0-1', name, label: LABELS[name] ?? name, required: name === 'email', hidden: false,
        fieldType: name === 'email' ? 'email' : name === 'phone' ? 'phone' : 'single_line_text', validation: {} }],
    })),
    configuration: { language: 'en', createNewContactForNewEmail: true, editable: true, allowLinkToResetKnownValues: false,
      postSubmitAction: { type: 'thank_you', value: 'Thanks for submitting the form.' }, archivable: true,
      recaptchaEnabled: false, notifyContactOwner: form.intent !== 'newsletter', notifyRecipients: [] },
    displayOptions: { renderRawHtml: false, theme: 'default_style', submitButtonText: 'Submit' },
    legalConsentOptions: { type: 'none' },
  });

  router.get('/marketing/v3/forms', (req, res) => {
    const limit = intParam(req.query.limit, 'limit', 20, 50);
    const offset = decodeCursor(stringParam(req.query.after));
    const body: Record<string, unknown> = { results: FORMS.slice(offset, offset + limit).map(formView) };
    if (offset + limit < FORMS.length) body.paging = { next: { after: encodeCursor(offset + limit) } };
    res.json(body);
  });

  router.get('/marketing/v3/forms/:formId', (req, res) => {
    const form = FORMS.find((f) => f.id === req.params.formId);
    if (!form) throw notFound(`Form ${req.params.formId} does not exist`);
    res.json(formView(form));
  });

  router.get('/form-integrations/v1/submissions/forms/:formGuid', (req, res) => {
    const formIndex = FORMS.findIndex((f) => f.id === req.params.formGuid);
    if (formIndex === -1) throw notFound(`Form ${req.params.formGuid} does not exist`);
    const form = FORMS[formIndex]!;
    const limit = intParam(req.query.limit, 'limit', 20, 50);
    const offset = decodeCursor(stringParam(req.query.after));
    // seeded ones are stored oldest first, live ones (submitForm) beside them; served newest first, as HubSpot does
    const { items, total } = ctx.store.formSubmissionsNewestFirst(formIndex, offset, limit, (i) => Prng.for(seed, 91, formIndex, i).uuid());
    const results = items.map((submission) => {
      const contact = ctx.store.contactRecord(submission.contact).properties;
      return {
        conversionId: submission.conversionId,
        submittedAt: submission.t,
        values: FIELDS_BY_INTENT[form.intent]
          .filter((name) => contact[name])
          .map((name) => ({ name, value: contact[name]!, objectTypeId: '0-1' })),
        pageUrl: `${SITE_URL}${form.pagePath}`,
      };
    });
    const body: Record<string, unknown> = { results };
    if (offset + limit < total) {
      const after = encodeCursor(offset + limit);
      body.paging = { next: { after, link: `?after=${after}` } };
    }
    res.json(body);
  });

  return router;
}
