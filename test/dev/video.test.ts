import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  clipSpec,
  extractFrame,
  mergeClips,
  readClip,
  readMp4Header,
  renderClip,
} from '../../dev/fal-emulator/index.ts';
import { findBox } from '../../dev/fal-emulator/video/mp4.ts';

/** Reads an H.264 SPS the way a decoder does (Exp-Golomb), for the frame size it declares. */
function spsFrameSize(sps: Buffer): { width: number; height: number; profile: number } {
  let bit = 8 * 4; // NAL header, profile_idc, constraint flags, level_idc
  const read = (n: number) => {
    let value = 0;
    for (let i = 0; i < n; i++, bit++) value = value * 2 + (((sps[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
    return value;
  };
  const ue = () => {
    let zeros = 0;
    while (read(1) === 0) zeros++;
    return 2 ** zeros - 1 + read(zeros);
  };
  ue(); // seq_parameter_set_id
  const log2MaxFrameNum = ue() + 4;
  expect(log2MaxFrameNum).toBeGreaterThanOrEqual(4);
  expect(ue()).toBe(2); // pic_order_cnt_type
  ue(); // max_num_ref_frames
  read(1);
  const widthMbs = ue() + 1;
  const heightMbs = ue() + 1;
  expect(read(1)).toBe(1); // frame_mbs_only_flag
  read(1);
  let [left, right, top, bottom] = [0, 0, 0, 0];
  if (read(1)) [left, right, top, bottom] = [ue(), ue(), ue(), ue()];
  return {
    width: widthMbs * 16 - 2 * (left + right),
    height: heightMbs * 16 - 2 * (top + bottom),
    profile: sps[1] ?? 0,
  };
}

/** The video track's sample table: frame count, sync frames, and the SPS from avcC. */
function trackOf(mp4: Buffer) {
  const stbl = ['moov', 'trak', 'mdia', 'minf', 'stbl'];
  const stsz = findBox(mp4, [...stbl, 'stsz']);
  const stss = findBox(mp4, [...stbl, 'stss']);
  const stsd = findBox(mp4, [...stbl, 'stsd']);
  if (!stsz || !stss || !stsd) throw new Error('no sample table');
  const avcC = mp4.indexOf('avcC', stsd.start, 'latin1') + 4;
  const spsLength = mp4.readUInt16BE(avcC + 6);
  return {
    frames: mp4.readUInt32BE(stsz.start + 8),
    syncFrames: mp4.readUInt32BE(stss.start + 4),
    sps: mp4.subarray(avcC + 8, avcC + 8 + spsLength),
  };
}

function pngInfo(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat = png.indexOf('IDAT', 0, 'latin1');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  expect(raw.length).toBe(height * (1 + 3 * width));
  return { width, height, firstPixel: [...raw.subarray(1, 4)] };
}

describe('the emulator’s generated MP4s', () => {
  const cases = [
    { width: 1280, height: 720, seconds: 4 },
    { width: 720, height: 1280, seconds: 8 },
    { width: 1920, height: 1080, seconds: 5 },
    { width: 1680, height: 720, seconds: 12 },
    { width: 480, height: 480, seconds: 6 },
    { width: 3840, height: 2160, seconds: 4 },
  ];
  for (const { width, height, seconds } of cases) {
    it(`${width}x${height}, ${seconds} s: the container and the H.264 stream both say so`, () => {
      const mp4 = renderClip(clipSpec({ width, height, seconds, seed: 'test' }));
      expect(readMp4Header(mp4)).toEqual({ width, height, durationSeconds: seconds });
      const track = trackOf(mp4);
      expect(track.frames).toBe(24 * seconds);
      expect(track.syncFrames).toBe(seconds); // a new colour every second
      expect(spsFrameSize(track.sps)).toEqual({ width, height, profile: 66 });
      // small: about a byte per macroblock per second of video, a few dozen bytes per repeated frame
      const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
      expect(mp4.length).toBeLessThan(macroblocks * seconds * 1.1 + 40 * 24 * seconds + 10_000);
    });
  }

  it('carries its description, so a later step can read it back', () => {
    const spec = clipSpec({ width: 1280, height: 720, seconds: 2.5, seed: 'read' });
    const mp4 = renderClip(spec);
    expect(readClip(mp4)).toEqual(spec);
    expect(readMp4Header(mp4).durationSeconds).toBe(2.5);
  });

  it('a merge of 4 s and 5 s lasts 9 s, at the first clip’s size, showing each clip’s scenes in order', () => {
    const first = clipSpec({ width: 1280, height: 720, seconds: 4, seed: 'a' });
    const second = clipSpec({ width: 720, height: 1280, seconds: 5, seed: 'b' });
    const merged = mergeClips([renderClip(first), renderClip(second)]);
    expect(readMp4Header(merged)).toEqual({ width: 1280, height: 720, durationSeconds: 9 });
    expect(readClip(merged).scenes).toEqual([...first.scenes, ...second.scenes]);
    expect(trackOf(merged).frames).toBe(9 * 24);
  });

  it('extracts the first, middle and last frame as a PNG of the clip’s size and colour', () => {
    const spec = clipSpec({ width: 640, height: 360, seconds: 3, seed: 'frames' });
    const mp4 = renderClip(spec);
    const frames = (['first', 'middle', 'last'] as const).map((position) => extractFrame(mp4, position));
    for (const [i, frame] of frames.entries()) {
      expect(pngInfo(frame.png)).toEqual({
        width: 640,
        height: 360,
        firstPixel: [...(spec.scenes[i]?.rgb ?? [])],
      });
    }
  });

  it('refuses frame sizes H.264 4:2:0 cannot crop to', () => {
    expect(() => renderClip(clipSpec({ width: 1281, height: 720, seconds: 1, seed: 'x' }))).toThrow(
      RangeError,
    );
  });
});
