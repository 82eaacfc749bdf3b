/**
 * fal's ffmpeg helpers that multi-step videos chain between generations. fal bills them by compute
 * time, a fraction of a cent for a clip of seconds; the estimate reserves a generous flat allowance
 * per call so a budget never runs short of what fal bills.
 */
export const FFMPEG = {
  extractFrame: { endpoint: 'fal-ai/ffmpeg-api/extract-frame', priceUsd: 0.002, typicalSeconds: 8 },
  merge: { endpoint: 'fal-ai/ffmpeg-api/merge-videos', priceUsd: 0.005, typicalSeconds: 15 },
} as const;

/**
 * Veo 3.1's own continuation of a video: one request instead of frame → generate → merge. It adds a
 * fixed length (other lengths go by frames), at 720p or 1080p in 16:9 or 9:16.
 */
export const VEO_EXTEND = { endpoint: 'fal-ai/veo3.1/extend-video', seconds: '7' } as const;
