import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/test-stack.ts';

describe('the new fields are documented', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it('in the OpenAPI document', async () => {
    const doc = await (await stack.api('/openapi.json', { key: null })).json();
    const { schemas } = doc.components;
    expect(Object.keys(schemas.CreateVideoRequest.properties)).toEqual(
      expect.arrayContaining(['style', 'enhance_prompt', 'fallback_models']),
    );
    expect(Object.keys(schemas.Video.properties)).toEqual(
      expect.arrayContaining([
        'style',
        'final_prompt',
        'enhanced_prompt',
        'prompt_enhancement',
        'cost_usd',
        'cost_basis',
        'fal_costs',
        'fallback_models',
        'models_tried',
      ]),
    );
    expect(schemas.Video.required).toEqual(
      expect.arrayContaining(['style', 'final_prompt', 'cost_usd', 'cost_basis']),
    );
    for (const name of [
      'Style',
      'StyleList',
      'EnhancePromptRequest',
      'PromptEnhancement',
      'FeedbackRequest',
      'Feedback',
      'Stats',
    ])
      expect(schemas[name], name).toBeDefined();
    expect(Object.keys(doc.paths['/v1/videos/{video_id}/feedback'])).toEqual(['post', 'get']);
    expect(doc.paths['/v1/stats'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'since',
      'until',
      'model',
      'group_by',
    ]);
  });

  it('in /v1/models: the styles each model takes and the room they leave, and enhancement', async () => {
    const { data } = await (await stack.api('/v1/models')).json();
    const styles = (await (await stack.api('/v1/styles')).json()).data.map((s: { id: string }) => s.id);
    for (const model of data) {
      expect(model.prompt_enhancement).toBe(true);
      expect(model.styles.map((s: { id: string }) => s.id)).toEqual(styles);
      for (const style of model.styles) expect(style.max_prompt_length).toBeLessThan(model.max_prompt_length);
    }
  });
});
