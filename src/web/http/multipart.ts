/**
 * A small `multipart/form-data` reader for forms that upload one short text file next to a few
 * fields (the mapping page's YAML import): the body is read whole under a size limit, then split on
 * its boundary. Only what a browser sends for such a form is accepted: parts with a
 * `Content-Disposition: form-data; name="…"` header, at most `maxParts` of them. Anything else is a
 * 400 naming what is wrong, never a half-read form.
 */
import express, { type RequestHandler } from 'express';
import { sendError } from './errors';

export interface UploadedFile {
  /** The name the browser gave (no path), '' when no file was chosen. */
  filename: string;
  content: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Splits a multipart body; throws MultipartError naming the problem. */
export function parseMultipart(body: Buffer, contentType: string, maxParts = 10): MultipartForm {
  const match = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError('the form has no multipart boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: {}, files: {} };
  let at = body.indexOf(delimiter);
  if (at === -1) throw new MultipartError('the form body does not start with its boundary');
  let parts = 0;
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return form;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new MultipartError('a part of the form is malformed (no line break after its boundary)');
    at += 2;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), at);
    if (next === -1) throw new MultipartError('the form ends before its closing boundary');
    if (++parts > maxParts) throw new MultipartError(`the form has more than ${maxParts} parts`);
    const part = body.subarray(at, next);
    const headerEnd = part.indexOf(HEADER_END);
    if (headerEnd === -1) throw new MultipartError('a part of the form has no headers');
    const headers = part.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h));
    const name = disposition ? /;\s*name="([^"]*)"/i.exec(disposition)?.[1] : undefined;
    if (!disposition || !/^content-disposition:\s*form-data/i.test(disposition) || name === undefined) {
      throw new MultipartError('a part of the form has no form-data name');
    }
    const content = part.subarray(headerEnd + HEADER_END.length);
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename !== undefined) {
      // browsers send the base name; some old ones a whole path
      form.files[name] = { filename: Buffer.from(filename, 'latin1').toString('utf8').split(/[\\/]/).pop() ?? '', content: Buffer.from(content) };
    } else {
      form.fields[name] = content.toString('utf8');
    }
    at = next + CRLF.length;
  }
}

/**
 * Reads a multipart form into `req.body` (its text fields) and `res.locals.files` (its files), so the
 * session's CSRF check and zod see the fields as they see a urlencoded form. Other content types pass.
 */
export function multipartForm(limit: string, maxParts = 10): RequestHandler[] {
  return [
    express.raw({ type: 'multipart/form-data', limit }),
    (req, res, next) => {
      if (!req.is('multipart/form-data')) return next();
      try {
        const form = parseMultipart(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('content-type') ?? '', maxParts);
        req.body = form.fields;
        res.locals.files = form.files;
        next();
      } catch (error) {
        if (!(error instanceof MultipartError)) throw error;
        sendError(res, 400, 'invalid_request', `the uploaded form could not be read: ${error.message}`);
      }
    },
  ];
}

/** The files a multipartForm read for this request. */
export function uploadedFiles(res: { locals: Record<string, unknown> }): Record<string, UploadedFile> {
  return (res.locals.files as Record<string, UploadedFile> | undefined) ?? {};
}
