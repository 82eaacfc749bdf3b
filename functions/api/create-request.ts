import type { Context } from 'hono';
import type { z } from 'zod';
import type { VideoRequest } from '../core/domain/catalog/index.ts';
import { IMAGE_HEADER_BYTES, readImageHeader } from '../core/domain/image-header.ts';
import { type InvalidRequest, invalidRequest } from '../core/errors.ts';
import { ApiError } from '../core/http/api-error.ts';
import { MB } from '../core/http/body-size.ts';
import { MAX_FORM_FIELDS, readFormFields, tooManyFields } from './form-fields.ts';
import { CreateVideoBody, MAX_METADATA_KEYS } from './schemas.ts';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_IMAGE_BYTES = 10 * MB;
/** Larger than any model's input; a header claiming more is a decompression bomb or a lie. */
const MAX_IMAGE_SIDE = 8_192;

/** A zod failure as the client's 400: the first issue, with the field it concerns in `param`. */
export function invalidRequestOf(error: z.ZodError): InvalidRequest {
  const issue = error.issues[0];
  if (!issue) return invalidRequest('The request is not valid.');
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    // a few names are enough to act on; a hostile body may have thousands
    const shown = issue.keys.slice(0, 5).join(', ');
    const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
    return invalidRequest(`Unrecognized field: ${prefix}${shown}${more}.`, `${prefix}${issue.keys[0]}`);
  }
  const param = issue.path.map(String).join('.') || undefined;
  return invalidRequest(param ? `${param}: ${issue.message}` : issue.message, param);
}

/** A JSON or form body as fields (JSON must be an object; forms are counted before parsing). */
export async function readFields(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw invalidRequest('The body must be a JSON object.');
    if (Object.keys(body).length > MAX_FORM_FIELDS) throw tooManyFields();
    return body as Record<string, unknown>;
  }
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    // the boundary is case-sensitive: the header as sent
    return readFormFields(await c.req.arrayBuffer(), c.req.header('content-type') ?? '');
  }
  throw new ApiError(415, 'unsupported_media_type', 'Send application/json or multipart/form-data.');
}

/**
 * An uploaded reference must be the image it claims to be, of a size a model takes, before anything
 * is uploaded to fal's storage (where it would be served, as what it claims, for a long time).
 */
async function checkImage(file: File): Promise<File> {
  if (!IMAGE_TYPES.includes(file.type)) {
    throw invalidRequest(
      `input_reference must be one of ${IMAGE_TYPES.join(', ')}, not ${file.type || 'unknown'}.`,
      'input_reference',
    );
  }
  if (file.size === 0 || file.size > MAX_IMAGE_BYTES) {
    throw invalidRequest(
      `input_reference must hold 1 byte to ${MAX_IMAGE_BYTES / MB} MB.`,
      'input_reference',
    );
  }
  const header = readImageHeader(new Uint8Array(await file.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  if (header?.type !== file.type)
    throw invalidRequest(`input_reference is not a ${file.type} image.`, 'input_reference');
  const { width, height } = header;
  if (width < 1 || height < 1 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw invalidRequest(
      `input_reference must be 1 to ${MAX_IMAGE_SIDE} pixels on each side, not ${width}x${height}.`,
      'input_reference',
    );
  }
  return file;
}

/** A create request from JSON or multipart, validated, in the domain's terms; a file part comes back as `image`. */
export async function readCreateRequest(c: Context): Promise<{ request: VideoRequest; image?: File }> {
  const fields = await readFields(c);
  const reference = fields.input_reference;
  const image = reference instanceof File ? await checkImage(reference) : undefined;
  if (image) delete fields.input_reference;
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof File) throw invalidRequest(`Field ${name} cannot be a file.`, name);
  }
  // zod (like any plain object) drops this key silently; refused so the client learns it was not kept
  const { metadata } = fields;
  if (metadata && typeof metadata === 'object') {
    if (Object.hasOwn(metadata, '__proto__'))
      throw invalidRequest('metadata keys may not be __proto__.', 'metadata.__proto__');
    // counted before each key is validated, so a body of thousands of keys costs one count
    if (Object.keys(metadata).length > MAX_METADATA_KEYS)
      throw invalidRequest(`metadata holds at most ${MAX_METADATA_KEYS} keys`, 'metadata');
  }
  const parsed = CreateVideoBody.safeParse(fields);
  if (!parsed.success) throw invalidRequestOf(parsed.error);
  const body = parsed.data;
  if (body.input_reference?.file_id) {
    throw invalidRequest(
      'input_reference.file_id is not supported: send the image as a file or as image_url.',
      'input_reference',
    );
  }
  const imageUrls = [body.image_url, body.input_reference?.image_url].filter(Boolean);
  if (imageUrls.length + (image ? 1 : 0) > 1) {
    throw invalidRequest(
      'Give one input image: a file, input_reference[image_url] or image_url.',
      'input_reference',
    );
  }
  return {
    request: {
      prompt: body.prompt,
      model: body.model,
      seconds: body.seconds,
      size: body.size,
      resolution: body.resolution,
      aspectRatio: body.aspect_ratio,
      generateAudio: body.generate_audio,
      seed: body.seed,
      negativePrompt: body.negative_prompt,
      imageUrl: body.image_url ?? body.input_reference?.image_url,
      metadata: body.metadata,
      enableSafetyChecker: body.enable_safety_checker,
      callbackUrl: body.callback_url,
      style: body.style,
      enhancePrompt: body.enhance_prompt,
      fallbackModels: body.fallback_models,
    },
    ...(image && { image }),
  };
}
