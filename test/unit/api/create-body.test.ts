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
