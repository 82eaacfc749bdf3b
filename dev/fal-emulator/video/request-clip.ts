import { findEndpoint } from '../models/catalog.ts';
import type { Dimensions } from './image-size.ts';

/** Frame sizes by fal's `resolution`: the short side. */
const SHORT_SIDE: Record<string, number> = {
  '480p': 480,
  '720p': 720,
  '1080p': 1080,
  true_1080p: 1080,
  '4k': 2160,
};

/**
 * What a model makes for a request: the frame size and duration its input asks for (or its
 * defaults). An image-led frame (aspect ratio `auto`, or none to give) has the start image's shape.
 */
export function requestedClip(
  endpointId: string,
  input: Record<string, unknown>,
  startFrame: Dimensions | null = null,
): { width: number; height: number; seconds: number } {
  const schema = findEndpoint(endpointId)?.schema ?? {};
  const field = (name: string) => {
    const spec = schema[name];
    return String(input[name] ?? (spec && 'default' in spec ? spec.default : undefined) ?? '');
  };
  const imageAspect = startFrame ? `${startFrame.width}:${startFrame.height}` : '16:9';
  const aspect = /^\d+:\d+$/.test(field('aspect_ratio')) ? field('aspect_ratio') : imageAspect;
  const resolution =
    field('resolution') in SHORT_SIDE ? field('resolution') : schema.resolution ? '720p' : '1080p';
  const [rawA = 16, rawB = 9] = aspect.split(':').map(Number);
  // the models' range of shapes, 21:9 to 9:21: a freak image cannot ask for a 100,000-pixel frame
  const ratio = Math.min(21 / 9, Math.max(9 / 21, rawA / rawB));
  const [a, b] = [ratio, 1];
  const seconds = Number.parseFloat(field('duration')) || 5;
  // Sora 2 Pro's 1080p is 1792x1024 (true_1080p is 1920x1080)
  if (endpointId.startsWith('fal-ai/sora-2') && resolution === '1080p')
    return { ...(a >= b ? { width: 1792, height: 1024 } : { width: 1024, height: 1792 }), seconds };
  const short = SHORT_SIDE[resolution] ?? 720;
  const even = (n: number) => Math.round(n / 2) * 2;
  const long = even((short * Math.max(a, b)) / Math.min(a, b));
  return { ...(a >= b ? { width: long, height: short } : { width: short, height: long }), seconds };
}
