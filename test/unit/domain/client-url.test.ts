import { describe, expect, it } from 'vitest';
import { checkClientUrl } from '../../../functions/core/domain/client-url.ts';

const strict = { allowLocal: false };

describe('client URL guard', () => {
  it('accepts a public https URL', () => {
    expect(checkClientUrl('https://images.example.com/cat.png', 'image_url', strict)).toBe(
      'https://images.example.com/cat.png',
    );
    expect(checkClientUrl('https://8.8.8.8/a.png', 'image_url', strict)).toBe('https://8.8.8.8/a.png');
  });

  it.each([
    'http://images.example.com/cat.png',
    'https://127.0.0.1/a.png',
    'https://10.1.2.3/a.png',
    'https://172.20.0.1/a.png',
    'https://192.168.1.1/a.png',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/a.png',
    'https://0.0.0.0/a.png',
    'https://[::1]/a.png',
    'https://[fd00::1]/a.png',
    'https://[fe80::1]/a.png',
    'https://[::ffff:127.0.0.1]/a.png',
    'https://[::127.0.0.1]/a.png',
    'https://[2002:7f00:1::]/a.png',
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png',
    'https://[2001:db8::1]/a.png',
    'https://localhost/a.png',
    'https://metadata.google.internal/a.png',
    // ranges the red team found still open
    'https://[64:ff9b:1::a9fe:a9fe]/a.png',
    'https://[::ffff:5db8:d822]/a.png',
    'https://[::ffff:0:93.184.216.34]/a.png',
    'https://[fec0::1]/a.png',
    'https://192.0.2.10/a.png',
    'https://198.51.100.7/a.png',
    'https://203.0.113.99/a.png',
    // parser differentials: WHATWG reads host 93.184.216.34, Python's urlsplit 169.254.169.254
    'https://93.184.216.34\\@169.254.169.254/x.png',
    'https://93.184.216.34\\\\@169.254.169.254/x.png',
    'https://exam\tple.com/a.png',
    'https://example.com/a\nb.png',
    'https://example.com/a.png\u0000',
    'https://example.com/\u0007.png',
    'https://example.com/ a.png',
    'https://example.com/\u200b.png',
    'https://example.com/\ud800.png',
  ])('rejects %s with a 400 naming the field', (url) => {
    expect(() => checkClientUrl(url, 'image_url', strict)).toThrow(
      expect.objectContaining({ kind: 'invalid_request', param: 'image_url' }),
    );
  });

  it('answers the normalised URL, the one that was checked', () => {
    expect(checkClientUrl('HTTPS://Images.Example.COM/a/../cat.png', 'image_url', strict)).toBe(
      'https://images.example.com/cat.png',
    );
  });

  it('lets the local stack use loopback http', () => {
    expect(checkClientUrl('http://127.0.0.1:3001/a.png', 'image_url', { allowLocal: true })).toBe(
      'http://127.0.0.1:3001/a.png',
    );
  });
});
