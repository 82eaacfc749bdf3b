/** One output format a model can make, in both vocabularies: OpenAI's `size` and fal's fields. */
export interface SizeOption {
  size: string;
  resolution: string;
  aspectRatio: string;
}

const SHORT_SIDE: Record<string, number> = { '480p': 480, '720p': 720, '1080p': 1080, '4k': 2160 };

/** Width×height for an aspect ratio at a resolution (short side), rounded to even pixels as encoders need. */
export function dimensions(
  resolution: string,
  aspectRatio: string,
  shortSide = SHORT_SIDE[resolution],
): string {
  const [a, b] = aspectRatio.split(':').map(Number);
  if (!shortSide || !a || !b) throw new Error(`no dimensions for ${resolution} ${aspectRatio}`);
  const even = (n: number) => Math.round(n / 2) * 2;
  return a >= b ? `${even((shortSide * a) / b)}x${shortSide}` : `${shortSide}x${even((shortSide * b) / a)}`;
}

/** Every combination of the given resolutions and aspect ratios. */
export function sizeGrid(resolutions: readonly string[], aspectRatios: readonly string[]): SizeOption[] {
  return resolutions.flatMap((resolution) =>
    aspectRatios.map((aspectRatio) => ({
      size: dimensions(resolution, aspectRatio),
      resolution,
      aspectRatio,
    })),
  );
}
