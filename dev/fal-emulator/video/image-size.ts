export interface Dimensions {
  width: number;
  height: number;
}

/** JPEG start-of-frame markers (SOF0–SOF15 except DHT, JPG and DAC), which carry the frame size. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Buffer): Dimensions | null {
  for (let at = 2; at + 9 < bytes.length; ) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (JPEG_SOF.has(marker))
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return null;
}

function webpSize(bytes: Buffer): Dimensions | null {
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8 ' && bytes.length >= 30)
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30)
    return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  return null;
}

/** The pixel size an image header declares (PNG, JPEG, GIF, WebP, BMP), or null when it cannot be read. */
export function imageSize(bytes: Buffer): Dimensions | null {
  const ascii = (from: number, to: number) => bytes.toString('latin1', from, to);
  let size: Dimensions | null = null;
  if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(1, 4) === 'PNG')
    size = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  else if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) size = jpegSize(bytes);
  else if (bytes.length >= 10 && ascii(0, 4) === 'GIF8')
    size = { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  else if (bytes.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') size = webpSize(bytes);
  else if (bytes.length >= 26 && ascii(0, 2) === 'BM')
    size = { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) };
  return size && size.width > 0 && size.height > 0 ? size : null;
}
