import { describe, expect, it } from 'vitest';
import { imageSize } from '../../dev/fal-emulator/video/image-size.ts';
import { solidPng } from '../../dev/fal-emulator/video/png.ts';

const u16be = (n: number) => [n >> 8, n & 0xff];
const u16le = (n: number) => [n & 0xff, n >> 8];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];

describe('image sizes the emulator reads from a start frame', () => {
  it('PNG', () => {
    expect(imageSize(solidPng(640, 360, [0, 0, 0]))).toEqual({ width: 640, height: 360 });
  });

  it('JPEG, past an APP0 segment to the start of frame', () => {
    const jpeg = Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      ...u16be(16),
      ...Buffer.from('JFIF\0'),
      1,
      1,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      0xff,
      0xc2,
      ...u16be(17),
      8,
      ...u16be(1080),
      ...u16be(1920),
      3,
      1,
      0x22,
      0,
      2,
      0x11,
      1,
      3,
      0x11,
      1,
    ]);
    expect(imageSize(jpeg)).toEqual({ width: 1920, height: 1080 });
  });

  it('GIF, BMP and the three WebP forms', () => {
    expect(imageSize(Buffer.from([...Buffer.from('GIF89a'), ...u16le(300), ...u16le(200), 0, 0]))).toEqual({
      width: 300,
      height: 200,
    });
    const bmp = Buffer.alloc(30);
    bmp.write('BM', 0, 'latin1');
    bmp.writeInt32LE(800, 18);
    bmp.writeInt32LE(-600, 22); // top-down rows
    expect(imageSize(bmp)).toEqual({ width: 800, height: 600 });
    const riff = (chunk: string, body: number[]) =>
      Buffer.from([
        ...Buffer.from('RIFF'),
        0,
        0,
        0,
        0,
        ...Buffer.from('WEBP'),
        ...Buffer.from(chunk),
        ...body,
      ]);
    const vp8 = riff('VP8 ', [0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(1024), ...u16le(768)]);
    expect(imageSize(vp8)).toEqual({ width: 1024, height: 768 });
    const bits = (1024 - 1) | ((768 - 1) << 14);
    const vp8l = riff('VP8L', [
      0,
      0,
      0,
      0,
      0x2f,
      bits & 0xff,
      (bits >> 8) & 0xff,
      (bits >> 16) & 0xff,
      bits >>> 24,
    ]);
    expect(imageSize(vp8l)).toEqual({ width: 1024, height: 768 });
    const vp8x = riff('VP8X', [0, 0, 0, 0, 0, 0, 0, 0, ...u24le(1279), ...u24le(719)]);
    expect(imageSize(vp8x)).toEqual({ width: 1280, height: 720 });
  });

  it('null for what it cannot read', () => {
    expect(imageSize(Buffer.from('<html>not an image</html>'))).toBeNull();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
  });
});
