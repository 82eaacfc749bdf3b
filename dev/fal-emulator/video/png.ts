import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

type Rgb = readonly [number, number, number];

/** A PNG of one flat RGB colour (what a frame of the emulator's clips looks like). */
export function solidPng(width: number, height: number, rgb: Rgb): Buffer {
  return tiledPng(width, height, 1, [rgb]);
}

/** A PNG grid of flat tiles, `columns` per row (a spritesheet of frames); missing tiles are black. */
export function tiledPng(
  tileWidth: number,
  tileHeight: number,
  columns: number,
  tiles: readonly Rgb[],
): Buffer {
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const width = tileWidth * columns;
  const height = tileHeight * rows;
  const stride = 1 + 3 * width; // filter byte 0, then RGB triples
  const raw = Buffer.alloc(stride * height);
  for (let r = 0; r < rows; r++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < width; x++) {
      const tile = tiles[r * columns + Math.floor(x / tileWidth)];
      if (tile) row.set(tile, 1 + 3 * x);
    }
    for (let y = 0; y < tileHeight; y++) row.copy(raw, (r * tileHeight + y) * stride);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
