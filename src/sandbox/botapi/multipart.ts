// multipart/form-data as the Telegram Bot API server reads it (TDLib's HttpReader): parameters are
// split on ';', a value runs to the next ';', trimmed, quotes stripped when it has them. This is
// what grammY's uploads need: grammY writes `content-disposition:form-data;name="x";filename=a b.txt`
// (no spaces, an unquoted file name), which strict parsers reject (undici) or drop (busboy).

import { ApiError } from './errors.js';

export interface UploadedFile {
  /** The form field the file came in (grammY: a random id referenced by `attach://<id>`). */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface FormData {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

/** The boundary parameter of a multipart content type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=("([^"]*)"|[^;\s]*)/i.exec(contentType);
  const b = m ? (m[2] ?? m[1]) : undefined;
  return b ? b : undefined;
}

function trimQuotes(v: string): string {
  const t = v.trim();
  return t.length > 1 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Parses a whole multipart/form-data body. Throws ApiError 400 on malformed input. */
export function parseMultipart(body: Buffer, boundary: string): FormData {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const delim = Buffer.from(`--${boundary}`);
  const partDelim = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delim);
  if (pos < 0) throw new ApiError(400, 'Bad Request: multipart/form-data boundary not found');
  pos += delim.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // the closing `--`
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new ApiError(400, "Bad Request: can't parse form data headers");
    if (headEnd === pos) throw new ApiError(400, 'Bad Request: headers in multipart/form-data are empty');
    const headers = body.subarray(pos, headEnd).toString('utf8');
    const dataStart = headEnd + 4;
    const dataEnd = body.indexOf(partDelim, dataStart);
    if (dataEnd < 0) throw new ApiError(400, 'Bad Request: unexpected end of multipart/form-data');
    let name: string | undefined;
    let filename: string | undefined;
    let contentType = 'application/octet-stream';
    for (const line of headers.split(/\r\n(?![ \t])/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).replace(/\r\n[ \t]+/g, ' ').trim();
      if (key === 'content-disposition') {
        if (!value.toLowerCase().startsWith('form-data;')) {
          throw new ApiError(400, 'Bad Request: expected form-data content disposition');
        }
        let rest = value.slice(10);
        while (rest.includes('=')) {
          const eq = rest.indexOf('=');
          const k = rest.slice(0, eq).trim().toLowerCase();
          rest = rest.slice(eq + 1);
          const semi = rest.indexOf(';');
          const v = trimQuotes(semi < 0 ? rest : rest.slice(0, semi));
          rest = semi < 0 ? '' : rest.slice(semi + 1);
          if (k === 'name') name = v;
          else if (k === 'filename') filename = v;
        }
      } else if (key === 'content-type') contentType = value;
    }
    if (!name) throw new ApiError(400, 'Bad Request: field name in multipart/form-data not found');
    const data = body.subarray(dataStart, dataEnd);
    if (filename !== undefined) files.set(name, { field: name, name: filename, contentType, data: Buffer.from(data) });
    else fields[name] = data.toString('utf8');
    pos = dataEnd + partDelim.length;
  }
  return { fields, files };
}
