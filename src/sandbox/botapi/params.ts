// Method parameters from any of the ways the Bot API accepts them: the query string,
// application/json, application/x-www-form-urlencoded and multipart/form-data. As on Telegram,
// every parameter may come as a string (objects as JSON text); the getters coerce.

import { ApiError, badRequest } from './errors.js';
import { boundaryOf, parseMultipart, type UploadedFile } from './multipart.js';

export class Params {
  constructor(
    readonly values: Record<string, unknown>,
    readonly files: Map<string, UploadedFile> = new Map(),
  ) {}

  has(k: string): boolean {
    const v = this.values[k];
    return v !== undefined && v !== null && v !== '';
  }

  /** The raw value (a string, or any JSON value from a JSON body). */
  raw(k: string): unknown {
    return this.values[k];
  }

  str(k: string): string | undefined {
    const v = this.values[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'object') return JSON.stringify(v);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a number or boolean of a form field, as Telegram reads it
    return String(v);
  }

  /** An integer; Telegram reads a malformed one as 0. */
  int(k: string): number | undefined {
    const v = this.values[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what is left is a scalar: Telegram reads its text
    const n = Number(String(v).trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }

  bool(k: string): boolean {
    const v = this.values[k];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v === 'true' || v === '1' || v === 'True';
    return false;
  }

  /** A JSON object or array parameter; `what` names it in the error. */
  json<T>(k: string, what: string): T | undefined {
    const v = this.values[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'object') return v as T;
    if (typeof v !== 'string') throw badRequest(`can't parse ${what} JSON object`);
    try {
      return JSON.parse(v) as T;
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }

  /**
   * A file parameter: an uploaded part (sent under the parameter's own name, or referenced as
   * `attach://<part>`, which is what grammY does), or a string (file_id or URL).
   */
  file(k: string): UploadedFile | string | undefined {
    const direct = this.files.get(k);
    if (direct) return direct;
    const v = this.str(k);
    if (v === undefined || v === '') return undefined;
    if (v.startsWith('attach://')) {
      const f = this.files.get(v.slice(9));
      if (!f) throw badRequest(`wrong file identifier/HTTP URL specified`);
      return f;
    }
    return v;
  }
}

/** Builds the parameters of a request from its query string and body. */
export function readParams(query: string, contentType: string | undefined, body: Buffer): Params {
  const values: Record<string, unknown> = {};
  let files: Map<string, UploadedFile> | undefined;
  if (query) for (const [k, v] of new URLSearchParams(query)) values[k] = v;
  const ct = (contentType ?? '').toLowerCase();
  if (body.length > 0) {
    if (ct.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest("can't parse JSON object");
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw badRequest('JSON object expected');
      }
      Object.assign(values, parsed);
    } else if (ct.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) values[k] = v;
    } else if (ct.startsWith('multipart/form-data')) {
      const boundary = boundaryOf(contentType!);
      if (!boundary) throw new ApiError(400, 'Bad Request: multipart/form-data boundary not found');
      const form = parseMultipart(body, boundary);
      Object.assign(values, form.fields);
      files = form.files;
    }
  }
  return new Params(values, files);
}
