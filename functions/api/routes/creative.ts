import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { enhance, findStyle } from '../../core/creative/apply-creative.ts';
import type { Deps } from '../../core/deps.ts';
import { DEFAULT_MODEL, findModel, MODELS } from '../../core/domain/catalog/index.ts';
import { applyStyle } from '../../core/domain/styles.ts';
import { invalidRequest } from '../../core/errors.ts';
import { checkPrompt } from '../../core/safety/check-prompt.ts';
import type { AuthEnv } from '../auth.ts';
import { invalidRequestOf } from '../create-request.ts';
import { EnhancePromptBody, PromptEnhancement, StyleList } from '../creative-schemas.ts';
import { errors, security } from './route-docs.ts';

const listStylesRoute = createRoute({
  method: 'get',
  path: '/v1/styles',
  summary: 'Style presets: prompt templates to pass as `style` on create',
  security,
  responses: {
    200: { description: 'Styles', content: { 'application/json': { schema: StyleList } } },
    ...errors(401, 429),
  },
});

const enhanceRoute = createRoute({
  method: 'post',
  path: '/v1/prompts/enhance',
  summary: 'Preview prompt enhancement (and a style) without generating',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: EnhancePromptBody } } } },
  responses: {
    200: {
      description: 'The enhanced prompt',
      content: { 'application/json': { schema: PromptEnhancement } },
    },
    ...errors(400, 401, 413, 415, 429, 503),
  },
});

/** GET /v1/styles and POST /v1/prompts/enhance: Reelay's help with prompts. */
export function creativeRoutes(deps: Deps) {
  const app = new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequestOf(result.error);
    },
  });

  const styles = {
    object: 'list' as const,
    data: deps.styles.list().map((s) => ({
      id: s.id,
      object: 'style' as const,
      title: s.title,
      description: s.description,
      template: s.template,
    })),
  };
  app.openapi(listStylesRoute, (c) => c.json(styles, 200));

  app.openapi(enhanceRoute, async (c) => {
    const body = c.req.valid('json');
    const model = findModel(body.model ?? DEFAULT_MODEL);
    if (!model) {
      const names = MODELS.map((m) => m.name).join(', ');
      throw invalidRequest(`Unknown model ${body.model}; available: ${names}.`, 'model');
    }
    const preset = body.style === undefined ? undefined : findStyle(deps, body.style);
    // screened like a create's prompt, before the LLM is paid for
    await checkPrompt(deps, [{ text: body.prompt, param: 'prompt' }]);
    // a preview has nothing to fall back on: an unavailable LLM is always a 503
    const { enhancedPrompt = body.prompt } = await enhance(
      deps,
      body.prompt,
      preset,
      model.maxPromptLength,
      true,
    );
    const finalPrompt = preset ? applyStyle(preset, enhancedPrompt) : enhancedPrompt;
    // the rewrite is screened too: a preview never hands back what a create would refuse
    await checkPrompt({ blocklist: deps.blocklist, logger: deps.logger }, [
      { text: finalPrompt, param: 'prompt' },
    ]);
    return c.json(
      {
        object: 'prompt.enhancement' as const,
        model: model.name,
        prompt: body.prompt,
        enhanced_prompt: enhancedPrompt,
        style: preset?.id ?? null,
        final_prompt: finalPrompt,
      },
      200,
    );
  });
  return app;
}
