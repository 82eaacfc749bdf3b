import { describe, expect, it } from 'vitest';
import { CreateVideoBody } from '../../../functions/api/schemas.ts';

describe('create body: URL fields', () => {
  it.each(['image_url', 'callback_url'])('stores and forwards %s in its normalised form', (field) => {
    const parsed = CreateVideoBody.parse({
      prompt: 'a fox',
      [field]: 'HTTPS://Images.Example.COM/a/../cat.png',
    });
    expect(parsed[field as 'image_url']).toBe('https://images.example.com/cat.png');
  });

  it.each([
    'https://93.184.216.34\\@169.254.169.254/x.png',
    'https://example.com/a\tb.png',
    'https://example.com/a.png\u0000',
    'https://example.com/\u001b[31m.png',
  ])('refuses %j before any lookup', (url) => {
    const parsed = CreateVideoBody.safeParse({ prompt: 'a fox', image_url: url });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['image_url']);
  });
});

describe('create body: metadata keys', () => {
  it.each([
    ['a NUL', '{"k\\u0000": "v"}'],
    ['a lone surrogate', '{"\\ud800": "v"}'],
    ['an escape code', '{"x\\u001b[31m": "v"}'],
  ])('refuses a key with %s (as JSON.parse reads it)', (_, metadata) => {
    const parsed = CreateVideoBody.safeParse({ prompt: 'a fox', metadata: JSON.parse(metadata) });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.slice(0, 1)).toEqual(['metadata']);
  });

  it('keeps ordinary keys, constructor included', () => {
    const parsed = CreateVideoBody.parse({ prompt: 'a fox', metadata: { constructor: 'x', order: '42' } });
    expect({ ...parsed.metadata }).toEqual({ constructor: 'x', order: '42' });
  });
});
