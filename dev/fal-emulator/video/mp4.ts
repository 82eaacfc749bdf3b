/**
 * Just enough ISO BMFF (MP4) to wrap one H.264 track, moov first so it plays while downloading, and
 * to read boxes back (tests and the merge/extract helpers).
 */

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, Buffer.from([version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]), ...payload);

const u32 = (...values: number[]) => {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((value, i) => {
    out.writeUInt32BE(value >>> 0, 4 * i);
  });
  return out;
};
const u16 = (...values: number[]) => {
  const out = Buffer.alloc(2 * values.length);
  values.forEach((value, i) => {
    out.writeUInt16BE(value & 0xffff, 2 * i);
  });
  return out;
};
const zeros = (n: number) => Buffer.alloc(n);
const UNITY_MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

export interface VideoTrack {
  width: number;
  height: number;
  /** Ticks per second of the track; each sample lasts one tick (the frame rate). */
  fps: number;
  sps: Buffer;
  pps: Buffer;
  /** One access unit per frame, as NAL units without start codes. */
  samples: Buffer[][];
  /** Zero-based indexes of the samples that start with an IDR picture. */
  syncSamples: number[];
  /** Extra top-level boxes placed between moov and mdat. */
  extraBoxes?: Buffer[];
}

/** A complete MP4: ftyp, moov, the extra boxes, mdat. */
export function muxMp4(track: VideoTrack): Buffer {
  const samples = track.samples.map((units) =>
    Buffer.concat(units.flatMap((unit) => [u32(unit.length), unit])),
  );
  const frames = samples.length;
  const durationMs = Math.round((frames * 1000) / track.fps);
  const ftyp = box(
    'ftyp',
    Buffer.from('isom', 'latin1'),
    u32(0x200),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  );
  const avcC = box(
    'avcC',
    Buffer.from([1, track.sps[1] ?? 66, track.sps[2] ?? 0, track.sps[3] ?? 30, 0xff, 0xe1]),
    u16(track.sps.length),
    track.sps,
    Buffer.from([1]),
    u16(track.pps.length),
    track.pps,
  );
  const avc1 = box(
    'avc1',
    zeros(6),
    u16(1), // data_reference_index
    zeros(16),
    u16(track.width, track.height),
    u32(0x480000, 0x480000, 0),
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x18, 0xffff),
    avcC,
  );
  const extra = Buffer.concat(track.extraBoxes ?? []);
  const moovFor = (chunkOffset: number) =>
    box(
      'moov',
      fullBox(
        'mvhd',
        0,
        0,
        u32(0, 0, 1000, durationMs, 0x10000),
        u16(0x100),
        zeros(10),
        UNITY_MATRIX,
        zeros(24),
        u32(2),
      ),
      box(
        'trak',
        fullBox(
          'tkhd',
          0,
          3, // enabled, in movie
          u32(0, 0, 1, 0, durationMs),
          zeros(8),
          u16(0, 0, 0, 0),
          UNITY_MATRIX,
          u32(track.width * 0x10000, track.height * 0x10000),
        ),
        box(
          'mdia',
          fullBox('mdhd', 0, 0, u32(0, 0, track.fps, frames), u16(0x55c4, 0)), // language und
          fullBox(
            'hdlr',
            0,
            0,
            u32(0),
            Buffer.from('vide', 'latin1'),
            zeros(12),
            Buffer.from('VideoHandler\0'),
          ),
          box(
            'minf',
            fullBox('vmhd', 0, 1, zeros(8)),
            box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
            box(
              'stbl',
              fullBox('stsd', 0, 0, u32(1), avc1),
              fullBox('stts', 0, 0, u32(1, frames, 1)),
              fullBox('stss', 0, 0, u32(track.syncSamples.length, ...track.syncSamples.map((i) => i + 1))),
              fullBox('stsc', 0, 0, u32(1, 1, frames, 1)),
              fullBox('stsz', 0, 0, u32(0, frames, ...samples.map((sample) => sample.length))),
              fullBox('stco', 0, 0, u32(1, chunkOffset)),
            ),
          ),
        ),
      ),
    );
  // the chunk offset does not change the moov's size: measure once, then write the real one
  const moovSize = moovFor(0).length;
  const moov = moovFor(ftyp.length + moovSize + extra.length + 8);
  return Buffer.concat([ftyp, moov, extra, box('mdat', ...samples)]);
}

export interface Box {
  type: string;
  /** Offset of the box's payload (after its header) in the buffer. */
  start: number;
  end: number;
}

/** The boxes directly inside [start, end) of `data` (32- and 64-bit sizes). */
export function childBoxes(data: Buffer, start = 0, end = data.length): Box[] {
  const boxes: Box[] = [];
  for (let at = start; at + 8 <= end; ) {
    let size = data.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) break;
    boxes.push({ type: data.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/** The first box at a path of types, e.g. ['moov', 'trak', 'tkhd']. */
export function findBox(data: Buffer, path: readonly string[]): Box | undefined {
  let scope: Box | undefined;
  for (const type of path) {
    scope = childBoxes(data, scope?.start ?? 0, scope?.end ?? data.length).find((b) => b.type === type);
    if (!scope) return undefined;
  }
  return scope;
}

/** What a player reads first: the movie's duration (mvhd) and the video track's frame size (tkhd). */
export function readMp4Header(data: Buffer): { durationSeconds: number; width: number; height: number } {
  const mvhd = findBox(data, ['moov', 'mvhd']);
  const tkhd = findBox(data, ['moov', 'trak', 'tkhd']);
  if (!mvhd || !tkhd) throw new Error('not an MP4 with a movie header and a track');
  const v1 = data[mvhd.start] === 1;
  const timescale = data.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
  const duration = v1 ? Number(data.readBigUInt64BE(mvhd.start + 24)) : data.readUInt32BE(mvhd.start + 16);
  return {
    durationSeconds: duration / timescale,
    width: data.readUInt32BE(tkhd.end - 8) / 0x10000,
    height: data.readUInt32BE(tkhd.end - 4) / 0x10000,
  };
}
