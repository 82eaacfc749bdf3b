import type { Context } from 'hono';
import type { z } from 'zod';
import type { VideoRequest } from '../core/domain/catalog/index.ts';
import { ApiError, invalidRequest } from '../core/errors.ts';
import { MB } from '../core/http/body-size.ts';
import { CreateVideoBody } from './schemas.ts';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_IMAGE_BYTES = 10 * MB;

/** A zod failure as the client's 400: the first issue, with the field it concerns in `param`. */
export function zodToApiError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return invalidRequest('The request is not valid.');
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    return invalidRequest(
      `Unrecognized field: ${prefix}${issue.keys.join(', ')}.`,
      `${prefix}${issue.keys[0]}`,
    );
  }
  const param = issue.path.map(String).join('.') || undefined;
  return invalidRequest(param ? `${param}: ${issue.message}` : issue.message, param);
}

/** `input_reference[image_url]` → `{input_reference: {image_url}}`: how multipart writes nested fields. */
function unflatten(form: FormData): Record<string, unknown> {
  // no prototype: a field named __proto__ or constructor is an ordinary (unknown, so refused) key
  const result: Record<string, unknown> = Object.create(null);
  for (const name of new Set(form.keys())) {
    const [value, ...more] = form.getAll(name);
    if (more.length > 0) throw invalidRequest(`Field ${name} was sent more than once.`, name);
    const nested = /^([a-z_]+)\[([^\][]+)\]$/.exec(name);
    if (!nested?.[1] || !nested[2]) {
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

async function readFields(c: Context): Promise<Record<string, unknown>> {
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
    return body as Record<string, unknown>;
  }
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new ApiError(400, 'invalid_multipart', 'The form body could not be parsed.');
    }
    return unflatten(form);
  }
  throw new ApiError(415, 'unsupported_media_type', 'Send application/json or multipart/form-data.');
}

function checkImage(file: File): File {
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
  return file;
}

/** A create request from JSON or multipart, validated, in the domain's terms; a file part comes back as `image`. */
export async function readCreateRequest(c: Context): Promise<{ request: VideoRequest; image?: File }> {
  const fields = await readFields(c);
  const reference = fields.input_reference;
  const image = reference instanceof File ? checkImage(reference) : undefined;
  if (image) delete fields.input_reference;
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof File) throw invalidRequest(`Field ${name} cannot be a file.`, name);
  }
  const parsed = CreateVideoBody.safeParse(fields);
  if (!parsed.success) throw zodToApiError(parsed.error);
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
