/**
 * HubSpot's error bodies. Handlers throw `HubSpotError`; the server's error handler stamps a
 * correlation id and sends it, so every error the sandbox returns has the shape the SDK and the
 * connector will see in production: `{status:'error', message, correlationId, category, …}`.
 */
export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? 'error'));
  }
}

export function validationError(message: string, extra: Record<string, unknown> = {}): HubSpotError {
  return new HubSpotError(400, { status: 'error', message, category: 'VALIDATION_ERROR', ...extra });
}

export function notFound(message: string): HubSpotError {
  return new HubSpotError(404, { status: 'error', message, category: 'OBJECT_NOT_FOUND' });
}

export function conflict(message: string): HubSpotError {
  return new HubSpotError(409, { status: 'error', message, category: 'OBJECT_ALREADY_EXISTS' });
}

export const UNAUTHORIZED_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/**
 * One entry of a batch response's `errors` (multi-status 207), in the `StandardError` shape of the
 * public specs (HubSpot-public-api-spec-collection, e.g. CRM/Associations/…/v4): `status`, `category`,
 * `message`, `context` (arrays of strings), `errors` (details: `message`, `code`, `subCategory`, `in`,
 * `context`) and `links` are always there; `subCategory` says more than the category where HubSpot
 * documents one (`crm.associations.NO_ASSOCIATIONS_FOUND`). A reader must go by `subCategory` where
 * one category covers different cases, not by the category alone.
 */
export interface BatchError {
  status: 'error';
  category: string;
  subCategory?: string;
  message: string;
  context: Record<string, string[]>;
  errors: { message: string; code?: string; subCategory?: string; in?: string; context?: Record<string, string[]> }[];
  links: Record<string, string>;
}

export function batchError(entry: Omit<BatchError, 'status' | 'errors' | 'links'> & Partial<Pick<BatchError, 'errors' | 'links'>>): BatchError {
  return { status: 'error', ...entry, errors: entry.errors ?? [], links: entry.links ?? {} };
}
