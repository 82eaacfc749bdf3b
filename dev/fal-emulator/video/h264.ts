import { BitWriter } from './bit-writer.ts';

/**
 * A minimal H.264 Baseline encoder for flat-coloured frames, enough for a real, decodable stream of
 * any frame size: an IDR picture whose first macroblock is I_PCM (the colour, as raw samples) and
 * whose others are Intra 16x16 DC-predicted with no residual (so the colour spreads from the first),
 * and P pictures made only of skipped macroblocks (the picture repeats). About a byte per macroblock
 * per colour change, a few bytes per repeated frame.
 */

export type Yuv = readonly [y: number, u: number, v: number];

const LOG2_MAX_FRAME_NUM = 8;
const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: Constrained Baseline, which every decoder plays. */
const CONSTRAINTS = 0b1100_0000;

export interface StreamFormat {
  width: number;
  height: number;
}

const mbs = (pixels: number) => Math.ceil(pixels / 16);

/** A level whose frame-size limit holds the picture (4.0 to 1080p, 5.1 above). */
function levelFor(format: StreamFormat): number {
  const frameMbs = mbs(format.width) * mbs(format.height);
  if (frameMbs <= 396) return 30;
  if (frameMbs <= 8_192) return 40;
  return 51;
}

/** Emulation prevention: 0x000003 wherever two zero bytes precede a byte ≤ 3. */
function preventEmulation(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

const nal = (refIdc: number, type: number, rbsp: Buffer) =>
  Buffer.concat([Buffer.from([(refIdc << 5) | type]), preventEmulation(rbsp)]);

export function sequenceParameterSet(format: StreamFormat): Buffer {
  const w = new BitWriter();
  w.bits(PROFILE_BASELINE, 8);
  w.bits(CONSTRAINTS, 8);
  w.bits(levelFor(format), 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM - 4);
  w.ue(2); // pic_order_cnt_type 2: output order is decoding order
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(mbs(format.width) - 1);
  w.ue(mbs(format.height) - 1);
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  const cropRight = mbs(format.width) * 16 - format.width;
  const cropBottom = mbs(format.height) * 16 - format.height;
  w.bit(cropRight || cropBottom ? 1 : 0);
  if (cropRight || cropBottom) {
    // 4:2:0 crops in units of 2 pixels
    w.ue(0);
    w.ue(cropRight / 2);
    w.ue(0);
    w.ue(cropBottom / 2);
  }
  w.bit(0); // vui_parameters_present_flag: the MP4 carries the timing
  return nal(3, 7, w.finish());
}

export function pictureParameterSet(): Buffer {
  const w = new BitWriter();
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.bit(0); // weighted_pred_flag
  w.bits(0, 2); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return nal(3, 8, w.finish());
}

const clampSample = (value: number) => Math.min(235, Math.max(16, Math.round(value)));

/** An IDR picture of one flat colour. `idrPicId` must differ between consecutive IDRs. */
export function idrPicture(format: StreamFormat, colour: Yuv, idrPicId: number): Buffer {
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I (every slice of the picture)
  w.ue(0); // pic_parameter_set_id
  w.bits(0, LOG2_MAX_FRAME_NUM); // frame_num
  w.ue(idrPicId);
  w.bit(0); // no_output_of_prior_pics_flag
  w.bit(0); // long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: flat pictures need none
  const columns = mbs(format.width);
  const count = columns * mbs(format.height);
  const [y, u, v] = colour.map(clampSample) as [number, number, number];
  for (let mb = 0; mb < count; mb++) {
    if (mb === 0) {
      w.ue(25); // I_PCM
      w.alignZero();
      for (let i = 0; i < 256; i++) w.byte(y);
      for (let i = 0; i < 64; i++) w.byte(u);
      for (let i = 0; i < 64; i++) w.byte(v);
      continue;
    }
    w.ue(3); // I_16x16_2_0_0: DC prediction, no coded luma AC or chroma
    w.ue(0); // intra_chroma_pred_mode: DC
    w.se(0); // mb_qp_delta
    // the DC block's coeff_token for no coefficients depends on nC: an I_PCM neighbour counts 16
    const row = Math.floor(mb / columns);
    const column = mb % columns;
    const left = column > 0 ? (mb - 1 === 0 ? 16 : 0) : undefined;
    const top = row > 0 ? (mb - columns === 0 ? 16 : 0) : undefined;
    const nC = left !== undefined && top !== undefined ? (left + top + 1) >> 1 : (left ?? top ?? 0);
    if (nC >= 8) w.bits(0b000011, 6);
    else if (nC >= 4) w.bits(0b1111, 4);
    else if (nC >= 2) w.bits(0b11, 2);
    else w.bit(1);
  }
  return nal(3, 5, w.finish());
}

/** A P picture whose every macroblock is skipped: the previous picture again. */
export function repeatPicture(format: StreamFormat, frameNum: number): Buffer {
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(5); // slice_type: P
  w.ue(0); // pic_parameter_set_id
  w.bits(frameNum % 2 ** LOG2_MAX_FRAME_NUM, LOG2_MAX_FRAME_NUM);
  w.bit(0); // num_ref_idx_active_override_flag
  w.bit(0); // ref_pic_list_modification_flag_l0
  w.bit(0); // adaptive_ref_pic_marking_mode_flag: sliding window
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc
  w.ue(mbs(format.width) * mbs(format.height)); // mb_skip_run: all of them
  return nal(2, 1, w.finish());
}
