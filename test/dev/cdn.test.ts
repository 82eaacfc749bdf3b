import { request as httpRequest } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { readMp4Header } from '../../dev/fal-emulator/video/mp4.ts';
import { submitOk, waitForCompletion } from '../support/fal-calls.ts';
import { SEEDANCE_T2V, startTestEmulator, useTestEmulator } from '../support/fal-emulator.ts';

/** Top-level MP4 boxes as [type, size]; a 32-bit size of 1 means a 64-bit size follows. */
function topLevelBoxes(bytes: Buffer): [string, number][] {
  const boxes: [string, number][] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    boxes.push([bytes.toString('latin1', at + 4, at + 8), size]);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** Raw GET that reports how many bytes arrived before the socket ended, and how. */
function rawGet(
  url: string,
): Promise<{ status: number; length: number; received: number; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      let received = 0;
      let aborted = false;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      res.on('aborted', () => {
        aborted = true;
      });
      res.on('error', () => {
        aborted = true;
      });
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          length: Number(res.headers['content-length']),
          received,
          aborted,
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('output media and the CDN', () => {
  const emulator = useTestEmulator({ outputPaddingBytes: 3 * 1024 * 1024 + 7 });
  let videoUrl: string;
  let requestId: string;
  beforeEach(async () => {
    const { request_id } = await submitOk(emulator, SEEDANCE_T2V, { prompt: 'media' });
    requestId = request_id;
    videoUrl = (await waitForCompletion(emulator, request_id)).videoUrl ?? '';
  });

  it('serves a playable, unique MP4 equal to outputBytes()', async () => {
    const response = await fetch(videoUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const served = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(served.length);
    const expected = await emulator.outputBytes(requestId);
    expect(served.equals(expected)).toBe(true);
    expect(served.toString('latin1', 4, 8)).toBe('ftyp');
    expect(served.includes('avc1')).toBe(true);
    const boxes = topLevelBoxes(served);
    // the clip (ftyp, moov, its description, mdat), then the request's tag and padding
    expect(boxes.map(([type]) => type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
    expect(boxes.reduce((sum, [, size]) => sum + size, 0)).toBe(served.length);
    const clipLength = boxes.slice(0, 4).reduce((sum, [, size]) => sum + size, 0);
    expect(served.subarray(clipLength).toString('latin1', 0, 200)).toContain(requestId);
    expect(served.length).toBe(
      clipLength + 8 + `fal-emulator request_id=${requestId}\n`.length + 3 * 1024 * 1024 + 7,
    );
    // Seedance's defaults: 720p, 16:9, 5 s
    expect(readMp4Header(served)).toEqual({ width: 1280, height: 720, durationSeconds: 5 });
    const result = await fetch(`${emulator.url}/fal-ai/bytedance/requests/${requestId}`, {
      headers: { Authorization: 'Key k' },
    });
    expect(((await result.json()) as { video: { file_size: number } }).video.file_size).toBe(served.length);
  });

  it('answers byte ranges', async () => {
    const response = await fetch(videoUrl, { headers: { Range: 'bytes=4-7' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toBe('ftyp');
    const size = (await emulator.outputBytes(requestId)).length;
    expect(response.headers.get('content-range')).toBe(`bytes 4-7/${size}`);
  });

  it('error_500 fails one download', async () => {
    emulator.injectFault({ on: 'cdn', mode: 'error_500' });
    expect((await fetch(videoUrl)).status).toBe(500);
    expect((await fetch(videoUrl)).status).toBe(200);
  });

  it('expired answers 404 like an expired file', async () => {
    emulator.injectFault({ on: 'cdn', mode: 'expired' });
    expect((await fetch(videoUrl)).status).toBe(404);
  });

  it('truncate sends the full Content-Length, then cuts the connection halfway', async () => {
    emulator.injectFault({ on: 'cdn', mode: 'truncate' });
    const { status, length, received, aborted } = await rawGet(videoUrl);
    expect(status).toBe(200);
    expect(length).toBe((await emulator.outputBytes(requestId)).length);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(length);
    expect(aborted).toBe(true);
    const viaFetch = await fetch(videoUrl);
    expect(viaFetch.status).toBe(200);
  });

  it('slow trickles the body but delivers it whole', async () => {
    // Unpadded output (~56 KB): the shared emulator's padding would take a minute to trickle.
    const small = await startTestEmulator();
    try {
      const submitted = await submitOk(small, SEEDANCE_T2V, { prompt: 'slow' });
      const url = (await waitForCompletion(small, submitted.request_id)).videoUrl ?? '';
      small.injectFault({ on: 'cdn', mode: 'slow' });
      const started = Date.now();
      const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(bytes.equals(await small.outputBytes(submitted.request_id))).toBe(true);
      // ~56 KB at ~64 KB/s: clearly slower than an unthrottled local read.
      expect(Date.now() - started).toBeGreaterThan(400);
    } finally {
      await small.close();
    }
  });

  it('files expire after mediaTtlMs', async () => {
    const shortLived = await startTestEmulator({ mediaTtlMs: 150 });
    try {
      const { request_id } = await submitOk(shortLived, SEEDANCE_T2V, { prompt: 'ephemeral' });
      const url = (await waitForCompletion(shortLived, request_id)).videoUrl ?? '';
      expect((await fetch(url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await fetch(url)).status).toBe(404);
      expect(shortLived.stats().cdnDownloads).toBe(2);
    } finally {
      await shortLived.close();
    }
  });
});
