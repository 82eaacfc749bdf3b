import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../../functions/core/domain/image-header.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const u16be = (n: number) => [n >> 8, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];

/** JFIF APP0, a quantisation table, then the baseline frame header that carries the size. */
function jpeg(width: number, height: number): Uint8Array {
  return Uint8Array.from([
    0xff,
    0xd8,
    ...[0xff, 0xe0, ...u16be(16), ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0],
    ...[0xff, 0xdb, ...u16be(67), 0, ...new Array(64).fill(1)],
    ...[
      0xff,
      0xc0,
      ...u16be(17),
      8,
      ...u16be(height),
      ...u16be(width),
      3,
      1,
      0x11,
      0,
      2,
      0x11,
      1,
      3,
      0x11,
      1,
    ],
    0xff,
    0xd9,
  ]);
}

function riff(chunk: string, payload: number[]): Uint8Array {
  const body = [...Buffer.from('WEBP'), ...Buffer.from(chunk), ...u32le(payload.length), ...payload];
  return Uint8Array.from([...Buffer.from('RIFF'), ...u32le(body.length), ...body]);
}
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];

describe('image headers', () => {
  it('reads a real PNG', () => {
    expect(readImageHeader(PNG)).toEqual({ type: 'image/png', width: 1, height: 1 });
  });

  it('reads a JPEG frame header past the other segments', () => {
    expect(readImageHeader(jpeg(1920, 1080))).toEqual({ type: 'image/jpeg', width: 1920, height: 1080 });
  });

  it('reads all three WebP forms', () => {
    const lossy = riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16be(0).reverse(), 0, 0, 0, 0]);
    lossy[26] = 640 & 0xff;
    lossy[27] = 640 >> 8;
    lossy[28] = 360 & 0xff;
    lossy[29] = 360 >> 8;
    expect(readImageHeader(lossy)).toEqual({ type: 'image/webp', width: 640, height: 360 });
    const lossless = riff('VP8L', [0x2f, ...u32le((37 - 1) | ((21 - 1) << 14)), 0, 0, 0, 0, 0, 0]);
    expect(readImageHeader(lossless)).toEqual({ type: 'image/webp', width: 37, height: 21 });
    const extended = riff('VP8X', [0, 0, 0, 0, ...u24le(4095), ...u24le(2159)]);
    expect(readImageHeader(extended)).toEqual({ type: 'image/webp', width: 4096, height: 2160 });
  });

  it.each([
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['an empty file', Buffer.alloc(0)],
    ['a PNG signature alone', PNG.subarray(0, 8)],
    ['a JPEG without a frame header', jpeg(10, 10).subarray(0, 30)],
    [
      'a RIFF that is not WebP',
      Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00'.padEnd(40, '\0'), 'latin1'),
    ],
  ])('answers nothing for %s', (_, bytes) => {
    expect(readImageHeader(bytes)).toBeUndefined();
  });
});
