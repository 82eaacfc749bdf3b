/**
 * Style presets: each is a prompt template that wraps the client's prompt in the look the Sora guide
 * describes (medium, lighting, camera, colour). Pure: the catalog is built once from config.
 */
export interface StylePreset {
  id: string;
  title: string;
  /** Holds `{prompt}` exactly where the client's (or the enhanced) prompt goes. */
  template: string;
  description: string;
}

export const STYLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const PROMPT_SLOT = '{prompt}';

export const BUILT_IN_STYLES: readonly StylePreset[] = [
  {
    id: 'cinematic',
    title: 'Cinematic',
    description: 'A feature film look: 35 mm, shallow depth of field, golden-hour light, a smooth dolly.',
    template:
      '{prompt}. Cinematic style: shot on 35mm film with an anamorphic lens, shallow depth of field, dramatic golden-hour lighting, a slow smooth dolly-in, rich colour grading.',
  },
  {
    id: 'anime',
    title: 'Vibrant anime',
    description: 'Hand-drawn 2D animation: bold outlines, saturated colour, cel shading, dynamic pans.',
    template:
      '{prompt}. Vibrant anime style: hand-drawn 2D animation, bold clean outlines, saturated colours, expressive characters, soft cel shading, a dynamic camera pan following the action.',
  },
  {
    id: 'watercolor',
    title: 'Watercolor painting',
    description: 'Soft translucent washes on textured paper, pastel palette, a slow drifting camera.',
    template:
      '{prompt}. Watercolor painting style: soft translucent washes, visible paper texture, gentle bleeding edges, a muted pastel palette, diffuse daylight, a slow drifting camera.',
  },
  {
    id: 'film-noir',
    title: 'Classic film noir',
    description: 'Black and white, hard low-key light, venetian-blind shadows, deliberate camera moves.',
    template:
      '{prompt}. Classic film noir: black and white, high-contrast low-key lighting, hard shadows through venetian blinds, rain-slick streets, a slow deliberate tracking shot.',
  },
  {
    id: '8mm-home-movie',
    title: 'Vintage 8mm home movie',
    description: 'Grainy, warm faded colour, light leaks, frame jitter, a handheld camera.',
    template:
      '{prompt}. Vintage 8mm home movie: grainy warm faded colour, light leaks, slight frame jitter, a handheld camera with small shakes, soft focus, a 1970s summer afternoon feel.',
  },
  {
    id: 'documentary',
    title: 'Documentary',
    description: 'Natural light, an observing handheld camera, realistic colour, unstaged moments.',
    template:
      '{prompt}. Documentary style: natural available light, a handheld camera observing at eye level with subtle movement, realistic colours, authentic unstaged moments.',
  },
  {
    id: 'claymation',
    title: 'Claymation',
    description: 'Stop-motion plasticine figures with fingerprints, miniature sets, warm soft light.',
    template:
      '{prompt}. Claymation style: handmade plasticine figures with visible fingerprints, stop-motion movement at a slightly choppy frame rate, miniature handcrafted sets, warm soft studio lighting, a static camera.',
  },
  {
    id: '3d-render',
    title: '3D render',
    description:
      'A stylized animated-feature 3D look: global illumination, clean materials, an orbiting camera.',
    template:
      '{prompt}. Stylized 3D render: animated-feature characters, global illumination, soft ambient occlusion, clean physically based materials, a gentle orbiting camera.',
  },
];

/** The presets a deployment offers: the built-in ones, then the operator's (same id: the operator's wins). */
export interface StyleCatalog {
  list(): readonly StylePreset[];
  find(id: string): StylePreset | undefined;
}

export class StyleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StyleConfigError';
  }
}

/** Checks an operator's preset; throws StyleConfigError naming what is wrong. */
export function checkStylePreset(preset: StylePreset): StylePreset {
  if (!STYLE_ID_PATTERN.test(preset.id))
    throw new StyleConfigError(`style id ${JSON.stringify(preset.id)} must match ${STYLE_ID_PATTERN}`);
  if (preset.template.split(PROMPT_SLOT).length !== 2)
    throw new StyleConfigError(`style ${preset.id}: the template must hold ${PROMPT_SLOT} exactly once`);
  return preset;
}

export function buildStyleCatalog(extra: readonly StylePreset[] = []): StyleCatalog {
  const byId = new Map<string, StylePreset>();
  for (const preset of [...BUILT_IN_STYLES, ...extra.map(checkStylePreset)]) byId.set(preset.id, preset);
  const all = [...byId.values()];
  return { list: () => all, find: (id) => byId.get(id) };
}

/** The prompt with the style around it; split/join, so `$&` and the like in a prompt stay literal. */
export function applyStyle(preset: StylePreset, prompt: string): string {
  return preset.template.split(PROMPT_SLOT).join(prompt.trim().replace(/[.\s]+$/, ''));
}
