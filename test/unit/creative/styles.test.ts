import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseStyles } from '../../../functions/core/config.ts';
import { readEnhancedPrompt } from '../../../functions/core/creative/prompt-enhancer.ts';
import { clientRequest } from '../../../functions/core/domain/creative.ts';
import { applyStyle, BUILT_IN_STYLES, buildStyleCatalog } from '../../../functions/core/domain/styles.ts';

describe('style presets', () => {
  it('offers at least eight documented built-in presets, each with one {prompt}', () => {
    expect(BUILT_IN_STYLES.length).toBeGreaterThanOrEqual(8);
    for (const style of BUILT_IN_STYLES) {
      expect(style.template.split('{prompt}')).toHaveLength(2);
      expect(style.description.length).toBeGreaterThan(10);
    }
  });

  it('puts the prompt in literally (no $& substitution) without a doubled full stop', () => {
    const preset = { id: 'x', title: 'X', description: '', template: '{prompt}. In X.' };
    expect(applyStyle(preset, 'costs $& and $1. ')).toBe('costs $& and $1. In X.');
  });

  it('lets an operator add presets and replace a built-in one by id', () => {
    const catalog = buildStyleCatalog([
      { id: 'anime', title: 'House anime', description: '', template: 'anime: {prompt}' },
      { id: 'brand', title: 'Brand', description: '', template: '{prompt} in teal' },
    ]);
    expect(catalog.find('anime')?.title).toBe('House anime');
    expect(catalog.list().map((s) => s.id)).toContain('brand');
    expect(catalog.list()).toHaveLength(BUILT_IN_STYLES.length + 1);
  });

  it('REELAY_STYLES is checked when the config loads', () => {
    expect(parseStyles('[{"id":"a-b","title":"A","template":"{prompt}!"}]')).toEqual([
      { id: 'a-b', title: 'A', template: '{prompt}!', description: '' },
    ]);
    for (const bad of [
      'nope',
      '{}',
      '[{"id":"A B","title":"A","template":"{prompt}"}]',
      '[{"id":"a","title":"A","template":"no slot"}]',
      '[{"id":"a","title":"A","template":"{prompt} {prompt}"}]',
      '[{"id":"a","title":"A","template":"{prompt}","extra":1}]',
    ])
      expect(() => parseStyles(bad), bad).toThrow();
    expect(() => loadConfig({ REELAY_STYLES: 'nope' })).toThrow(ConfigError);
    expect(loadConfig({}).styles).toEqual([]);
  });
});

describe('reading an enhanced prompt', () => {
  it('strips fences, quotes and labels', () => {
    expect(readEnhancedPrompt('```\nPrompt: "a dog runs"\n```', 100)).toBe('a dog runs');
  });
  it('refuses empty, over-long and control-character answers', () => {
    expect(readEnhancedPrompt('   ', 100)).toBeUndefined();
    expect(readEnhancedPrompt('x'.repeat(101), 100)).toBeUndefined();
    expect(readEnhancedPrompt('a\u0007b', 100)).toBeUndefined();
  });
});

describe('the client’s request behind a creative one', () => {
  it('is what the fingerprint covers: the original prompt, without the creative record', () => {
    const asked = { prompt: 'a dog', style: 'anime', enhancePrompt: true };
    const prepared = {
      ...asked,
      prompt: 'a dog, enhanced. Anime.',
      creative: { originalPrompt: 'a dog', style: 'anime', enhancedPrompt: 'a dog, enhanced' },
    };
    expect(clientRequest(prepared)).toEqual(asked);
    expect(clientRequest(asked)).toBe(asked);
  });
});
