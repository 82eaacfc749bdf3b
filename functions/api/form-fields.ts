import { invalidRequest } from '../core/errors.ts';
import { ApiError } from '../core/http/api-error.ts';

/**
 * Most fields a create form may carry. The API has about twenty; a form of thousands is an attack
 * (undici's FormData makes per-name lookups scan every entry), so it is refused before parsing.
 */
export const MAX_FORM_FIELDS = 64;

export const tooManyFields = () =>
  new ApiError(
    400,
    'too_many_fields',
    `The body has more than ${MAX_FORM_FIELDS} fields; a create needs about twenty.`,
  );

/** How many times `needle` occurs in `haystack`, stopping once it passes `stopAfter`. */
function countOccurrences(haystack: Buffer, needle: Buffer, stopAfter: number): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (++count > stopAfter) break;
  }
  return count;
}

/** An upper bound on the entries a form body holds, from its separators alone (one linear scan). */
function entriesAtMost(body: Buffer, contentType: string): number {
  if (contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return countOccurrences(body, Buffer.from('&'), MAX_FORM_FIELDS) + 1;
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter) throw new ApiError(400, 'invalid_multipart', 'The form body could not be parsed.');
  // every part starts with the delimiter; the closing one is a delimiter too
  return countOccurrences(body, Buffer.from(`--${delimiter}`), MAX_FORM_FIELDS + 1) - 1;
}

/**
 * Reads a multipart or urlencoded body into fields: counted first, parsed once, each entry visited
 * once. `input_reference[image_url]` becomes `{input_reference: {image_url}}` (how multipart writes
 * nested fields); a name sent twice is refused.
 */
export async function readFormFields(
  body: ArrayBuffer,
  contentType: string,
): Promise<Record<string, unknown>> {
  if (entriesAtMost(Buffer.from(body), contentType) > MAX_FORM_FIELDS) throw tooManyFields();
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ApiError(400, 'invalid_multipart', 'The form body could not be parsed.');
  }
  // no prototype: a field named __proto__ or constructor is an ordinary (unknown, so refused) key
  const result: Record<string, unknown> = Object.create(null);
  const seen = new Set<string>();
  let entries = 0;
  for (const [name, value] of form) {
    if (++entries > MAX_FORM_FIELDS) throw tooManyFields();
    if (seen.has(name)) throw invalidRequest(`Field ${name} was sent more than once.`, name);
    seen.add(name);
    const nested = /^([a-z_]+)\[([^\][]+)\]$/.exec(name);
    if (!nested?.[1] || !nested[2]) {
      const existing = result[name];
      if (existing !== undefined)
        throw invalidRequest(`Field ${name} was sent both as a value and with [fields].`, name);
      result[name] = value;
      continue;
    }
    const [, outer, inner] = nested;
    const existing = result[outer];
    if (existing !== undefined && (typeof existing !== 'object' || existing instanceof File)) {
      throw invalidRequest(`Field ${outer} was sent both as a value and as ${name}.`, outer);
    }
    result[outer] = Object.assign(Object.create(null), existing, { [inner]: value });
  }
  return result;
}
