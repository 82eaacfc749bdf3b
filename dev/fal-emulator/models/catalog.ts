import type { FieldSpec, InputSchema } from './validate.ts';

/**
 * One fal endpoint the emulator serves; schemas written from fal.md's model table, defaults checked
 * against the endpoint types in @fal-ai/client 1.10.1 (fal.md wins where they differ, e.g. Veo's 4k).
 */
export interface ModelEndpoint {
  id: string;
  name: string;
  kind: 'text-to-video' | 'image-to-video' | 'video-to-video' | 'media-tool';
  schema: InputSchema;
  /** Input fields holding image URLs the runner downloads before generating. */
  imageFields: readonly string[];
  /** Input fields holding video URLs (one, or a list) the runner downloads and reads first. */
  videoFields: readonly string[];
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

// A Sora video made with the default is deleted at OpenAI and "cannot be used for remixing" (fal.md).
const deleteVideo: FieldSpec = { type: 'bool', default: true };

const sora = (i2v: boolean, resolutions: readonly string[], resolutionDefault: string): InputSchema => ({
  prompt,
  delete_video: deleteVideo,
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

// Schemas of the multi-step building blocks (fal.md, "Building blocks for multi-step videos").
const videoUrl: FieldSpec = { type: 'str', required: true };

const veoExtend: InputSchema = {
  prompt,
  video_url: videoUrl,
  // Veo extends by a fixed 7 s; the output is the source and the extension as one clip.
  duration: { type: 'literal', values: ['7s'], default: '7s' },
  aspect_ratio: { type: 'literal', values: ['auto', '16:9', '9:16'], default: 'auto' },
  resolution: { type: 'literal', values: ['720p', '1080p'], default: '720p' },
  generate_audio: { type: 'bool', default: true },
  negative_prompt: { type: 'str' },
  seed,
};

const soraRemix: InputSchema = {
  video_id: { type: 'str', required: true },
  prompt,
  delete_video: deleteVideo,
};

const klingEdit: InputSchema = { prompt, video_url: videoUrl, keep_audio: { type: 'bool', default: true } };

const t2v = (id: string, name: string, schema: InputSchema): ModelEndpoint => ({
  id,
  name,
  kind: 'text-to-video',
  schema,
  imageFields: [],
  videoFields: [],
});
const i2v = (id: string, name: string, schema: InputSchema): ModelEndpoint => ({
  id,
  name,
  kind: 'image-to-video',
  schema,
  imageFields: Object.keys(schema).filter((field) => field.endsWith('image_url')),
  videoFields: [],
});
const v2v = (id: string, name: string, schema: InputSchema): ModelEndpoint => ({
  id,
  name,
  kind: 'video-to-video',
  schema,
  imageFields: [],
  videoFields: 'video_url' in schema ? ['video_url'] : [],
});
const tool = (id: string, name: string, schema: InputSchema, videoFields: string[]): ModelEndpoint => ({
  id,
  name,
  kind: 'media-tool',
  schema,
  imageFields: [],
  videoFields,
});

const SORA_PRO = ['720p', '1080p', 'true_1080p'];

/** The ten endpoints of fal.md's table (t2v and i2v for five models), then the multi-step building blocks. */
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
  v2v('fal-ai/veo3.1/extend-video', 'Veo 3.1 Extend', veoExtend),
  v2v('fal-ai/veo3.1/fast/extend-video', 'Veo 3.1 Fast Extend', veoExtend),
  v2v('fal-ai/sora-2/video-to-video/remix', 'Sora 2 Remix', soraRemix),
  v2v('fal-ai/kling-video/o3/pro/video-to-video/edit', 'Kling O3 Pro Edit', klingEdit),
  v2v('fal-ai/kling-video/o3/standard/video-to-video/edit', 'Kling O3 Standard Edit', klingEdit),
  tool(
    'fal-ai/ffmpeg-api/extract-frame',
    'FFmpeg Extract Frame',
    {
      video_url: videoUrl,
      frame_type: { type: 'literal', values: ['first', 'middle', 'last'], default: 'first' },
    },
    ['video_url'],
  ),
  tool(
    'fal-ai/ffmpeg-api/metadata',
    'FFmpeg Metadata',
    { media_url: { type: 'str', required: true }, extract_frames: { type: 'bool', default: false } },
    ['media_url'],
  ),
  tool(
    'fal-ai/ffmpeg-api/merge-videos',
    'FFmpeg Merge Videos',
    {
      video_urls: { type: 'list', required: true, minItems: 2 },
      target_fps: { type: 'float', ge: 1, le: 60 },
    },
    ['video_urls'],
  ),
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
