import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { type CapabilitySettings, capabilitiesOf } from '../../core/domain/catalog/capabilities.ts';
import { MODELS, type ModelSpec, resolveVideo } from '../../core/domain/catalog/index.ts';
import { applyStyle, type StyleCatalog } from '../../core/domain/styles.ts';
import type { AuthEnv } from '../auth.ts';
import { ModelList } from '../schemas.ts';
import { errors } from './route-docs.ts';

const listModelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'The model catalog: what each model accepts, what it costs and what it can do',
  security: [{ Bearer: [] }],
  responses: {
    200: { description: 'Models', content: { 'application/json': { schema: ModelList } } },
    ...errors(401),
  },
});

/** Prices at the model's default size for each duration it offers, computed by the same code that prices jobs. */
function describe(model: ModelSpec, styles: StyleCatalog, settings: CapabilitySettings) {
  return {
    id: model.name,
    object: 'model' as const,
    owned_by: 'reelay',
    title: model.title,
    aliases: [...(model.aliases ?? [])],
    fal_endpoints: {
      text_to_video: model.endpoints.textToVideo,
      image_to_video: model.endpoints.imageToVideo,
    },
    seconds: [...model.seconds],
    default_seconds: model.defaultSeconds,
    sizes: model.sizes.map((s) => ({ size: s.size, resolution: s.resolution, aspect_ratio: s.aspectRatio })),
    default_size: model.defaultSize,
    options: model.options.map((option) => option.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
    max_prompt_length: model.maxPromptLength,
    // every style fits every model; a style's template takes room from the prompt's limit
    styles: styles.list().map((style) => ({
      id: style.id,
      max_prompt_length: model.maxPromptLength - applyStyle(style, '').length,
    })),
    prompt_enhancement: true,
    typical_generation_seconds: model.typicalGenerationSeconds,
    capabilities: capabilitiesOf(model, settings),
    pricing: model.seconds.map((seconds) => ({
      seconds,
      size: model.defaultSize,
      estimated_cost_usd: resolveVideo({ prompt: 'x', model: model.name, seconds }).estimatedCostUsd,
    })),
  };
}

export function modelRoutes(styles: StyleCatalog, settings: CapabilitySettings) {
  const catalog = { object: 'list' as const, data: MODELS.map((model) => describe(model, styles, settings)) };
  return new OpenAPIHono<AuthEnv>().openapi(listModelsRoute, (c) => c.json(catalog, 200));
}
