import type { FieldSpec, InputSchema } from './validate.ts';

/**
 * One fal endpoint the emulator serves; schemas written from fal.md's model table, defaults checked
 * against the endpoint types in @fal-ai/client 1.10.1 (fal.md wins where they differ, e.g. Veo's 4k).
 */
export interface ModelEndpoint {
  id: string;
  name: string;
  kind: 'text-to-video' | 'image-to-video';
  schema: InputSchema;
  /** Input fields holding image URLs the runner downloads before generating. */
  imageFields: readonly string[];
}

const prompt: FieldSpec = { type: 'str', required: true };
const imageUrl: FieldSpec = { type: 'str', required: true };
const optionalImage: FieldSpec = { type: 'str' };
const seed: FieldSpec = { type: 'int' };

const seedance = (i2v: boolean): InputSchema => ({
  prompt,
  duration: { type: 'literal', values: ['4', '5', '6', '7', '8', '9', '10', '11', '12'], default: '5' },
  resolution: { type: 'literal', values: ['480p', '720p', '1080p'], default: '720p' },
  aspect_ratio: {
    type: 'literal',
    values: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16', 'auto'],
    default: '16:9',
  },
  generate_audio: { type: 'bool', default: true },
  camera_fixed: { type: 'bool', default: false },
  seed: { type: 'int', default: -1 },
  enable_safety_checker: { type: 'bool', default: true },
  ...(i2v ? { image_url: imageUrl, end_image_url: optionalImage } : {}),
});

const sora = (i2v: boolean, resolutions: readonly string[], resolutionDefault: string): InputSchema => ({
  prompt,
  duration: { type: 'literal', values: ['4', '8', '12', '16', '20'], default: '4', loose: true },
  aspect_ratio: {
    type: 'literal',
    values: i2v ? ['auto', '16:9', '9:16'] : ['16:9', '9:16'],
    default: i2v ? 'auto' : '16:9',
  },
  resolution: { type: 'literal', values: resolutions, default: resolutionDefault },
  ...(i2v ? { image_url: imageUrl } : {}),
});

const kling = (i2v: boolean): InputSchema => ({
  prompt,
  duration: { type: 'literal', values: ['5', '10'], default: '5' },
  // The image decides the frame for image-to-video, which has no aspect_ratio field.
  ...(i2v
    ? {}
    : { aspect_ratio: { type: 'literal', values: ['16:9', '9:16', '1:1'], default: '16:9' } as const }),
  negative_prompt: { type: 'str', default: 'blur, distort, and low quality' },
  cfg_scale: { type: 'float', default: 0.5, ge: 0, le: 1 },
  ...(i2v ? { image_url: imageUrl, tail_image_url: optionalImage } : {}),
});

const veo = (i2v: boolean): InputSchema => ({
  prompt,
  duration: { type: 'literal', values: ['4s', '6s', '8s'], default: '8s' },
  resolution: { type: 'literal', values: ['720p', '1080p', '4k'], default: '720p' },
  aspect_ratio: {
    type: 'literal',
    values: i2v ? ['auto', '16:9', '9:16'] : ['16:9', '9:16'],
    default: i2v ? 'auto' : '16:9',
  },
  generate_audio: { type: 'bool', default: true },
  negative_prompt: { type: 'str' },
  safety_tolerance: { type: 'literal', values: ['1', '2', '3', '4', '5', '6'], default: '4' },
  auto_fix: { type: 'bool' },
  seed,
  ...(i2v ? { image_url: imageUrl } : {}),
});

const t2v = (id: string, name: string, schema: InputSchema): ModelEndpoint => ({
  id,
  name,
  kind: 'text-to-video',
  schema,
  imageFields: [],
});
const i2v = (id: string, name: string, schema: InputSchema): ModelEndpoint => ({
  id,
  name,
  kind: 'image-to-video',
  schema,
  imageFields: Object.keys(schema).filter((field) => field.endsWith('image_url')),
});

const SORA_PRO = ['720p', '1080p', 'true_1080p'];

/** The ten endpoints of fal.md's table (t2v and i2v for five models). */
export const MODEL_ENDPOINTS: readonly ModelEndpoint[] = [
  t2v('fal-ai/bytedance/seedance/v1.5/pro/text-to-video', 'Seedance 1.5 Pro', seedance(false)),
  i2v('fal-ai/bytedance/seedance/v1.5/pro/image-to-video', 'Seedance 1.5 Pro', seedance(true)),
  t2v('fal-ai/sora-2/text-to-video', 'Sora 2', sora(false, ['720p'], '720p')),
  i2v('fal-ai/sora-2/image-to-video', 'Sora 2', sora(true, ['auto', '720p'], 'auto')),
  t2v('fal-ai/sora-2/text-to-video/pro', 'Sora 2 Pro', sora(false, SORA_PRO, '1080p')),
  i2v('fal-ai/sora-2/image-to-video/pro', 'Sora 2 Pro', sora(true, ['auto', ...SORA_PRO], 'auto')),
  t2v('fal-ai/kling-video/v2.5-turbo/pro/text-to-video', 'Kling 2.5 Turbo Pro', kling(false)),
  i2v('fal-ai/kling-video/v2.5-turbo/pro/image-to-video', 'Kling 2.5 Turbo Pro', kling(true)),
  t2v('fal-ai/veo3.1', 'Veo 3.1', veo(false)),
  i2v('fal-ai/veo3.1/image-to-video', 'Veo 3.1', veo(true)),
];

const BY_ID = new Map(MODEL_ENDPOINTS.map((endpoint) => [endpoint.id, endpoint]));

export function findEndpoint(id: string): ModelEndpoint | undefined {
  return BY_ID.get(id);
}

/** Status, result and cancel live under owner/app only (the client's parseEndpointId). */
export function appPathOf(endpointId: string): string {
  const [owner = '', app = ''] = endpointId.split('/');
  return `${owner}/${app}`;
}
