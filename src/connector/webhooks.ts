/**
 * The optional webhook capability of a connector module (ConnectorModule.webhooks): a system that
 * pushes record changes to us says how its deliveries are signed and what they contain, and the
 * app receives them on `POST /webhooks/:provider` without knowing the vendor. Nothing here is
 * vendor-specific: the module checks its own signature scheme and maps its own payload into
 * RecordChange.
 */

/** A delivery as it reached us, before anything was parsed. */
export interface WebhookRequest {
  /** As sent (`POST`). */
  method: string;
  /**
   * The full URI the system called and signed: the app's public URL (PUBLIC_URL) plus the request's
   * original path and query, exactly as received.
   */
  url: string;
  /** Node's lower-cased header names. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body's bytes, unparsed: a signature covers them, not a re-serialised object. */
  rawBody: Buffer;
}

/** `ok`, or why the delivery was refused (said in the 401, never containing a secret). */
export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

export const RECORD_CHANGE_KINDS = ['created', 'changed', 'deleted', 'merged', 'privacy_deleted'] as const;
export type RecordChangeKind = (typeof RECORD_CHANGE_KINDS)[number];

/** One change a delivery announced. */
export interface RecordChange {
  /** The system's id of this event: a retried delivery repeats it (de-duplication key, with the record). */
  eventId: string;
  /** The account it happened in (`installations.external_account_id`). */
  accountId: string;
  kind: RecordChangeKind;
  /** The record changed; for a merge, the record that survives it. */
  recordId: string;
  /**
   * The record's object type as the contract names people (`contact`, `lead`), or the system's own
   * name for anything else (a company, a deal), which the app does not pull and ignores.
   */
  objectType: string;
  /** A property change: which property, and its new value. */
  property?: string;
  value?: string | null;
  /** Made by this app itself (our own write-back echoing): nothing to pull again. */
  fromOurApp: boolean;
  /** When it happened (ISO 8601). */
  occurredAt: string;
  /** A merge: the records folded into `recordId` (retired, their history joins the survivor). */
  mergedIds?: string[];
}

/** The changes of a delivery, or everything wrong with its body (a 400 naming each problem). */
export type WebhookParse = { ok: true; changes: RecordChange[] } | { ok: false; problems: string[] };

/** A configured receiver: the system app's signing secret and id are inside it. */
export interface ConnectorWebhooks {
  /**
   * Checks the delivery's signature and age against `now` (ms): a forged, altered, unsigned or
   * stale (replayed) delivery is refused. Never throws.
   */
  verify(request: WebhookRequest, now: number): WebhookVerdict;
  /** Validates and maps a verified body. Never throws. */
  parse(rawBody: Buffer): WebhookParse;
}

export type WebhookSetup =
  | {
      configured: true;
      webhooks: ConnectorWebhooks;
      /** Values to register with the log redactor (the signing secret). */
      secrets: string[];
    }
  /** The variables that are missing or invalid, by name (never their values). */
  | { configured: false; problems: string[] };

export interface WebhookSupport {
  /**
   * Reads the system app's signing secret and id from the environment variables the module
   * documents (the same ones its OAuth install uses).
   */
  fromEnvironment(env: Readonly<Record<string, string | undefined>>): WebhookSetup;
}
