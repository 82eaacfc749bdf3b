import { describe, expect, it } from 'vitest';
import { parseFalWebhook } from '../../../functions/core/fal/fal-output.ts';
import { falFixture } from '../../support/fixtures.ts';

const text = (name: string) => falFixture(name).toString('utf8');

describe('fal webhook bodies', () => {
  it('keeps a seed above 2^53 exact', () => {
    expect(parseFalWebhook(text('ok-bigseed.json'))).toEqual({
      requestId: '019f6af7-3088-7f03-b97d-84fec4a3ce12',
      outcome: {
        kind: 'ok',
        requestId: '019f6af7-3088-7f03-b97d-84fec4a3ce12',
        video: { url: 'https://v3b.fal.media/files/b/0aa27b79/Xk2_output.mp4', contentType: 'video/mp4' },
        seed: '17454220438242315174',
      },
    });
  });

  it('turns payload null with payload_error into "fetch the result"', () => {
    expect(parseFalWebhook(text('ok-payload-error.json'))?.outcome).toMatchObject({
      kind: 'payload_missing',
    });
  });

  it('carries an ERROR’s status and body for classification', () => {
    expect(parseFalWebhook(text('error-content-policy.json'))?.outcome).toMatchObject({
      kind: 'error',
      status: 422,
    });
    expect(parseFalWebhook(text('error-timeout.json'))?.outcome).toMatchObject({
      kind: 'error',
      status: 504,
      body: { detail: 'Request timed out', error_type: 'request_timeout' },
    });
  });

  it('refuses what is not fal’s shape', () => {
    expect(parseFalWebhook('not json')).toBeUndefined();
    expect(parseFalWebhook('{"status": "OK"}')).toBeUndefined();
    expect(parseFalWebhook('{"request_id": "r", "status": "MAYBE"}')).toBeUndefined();
  });

  it('treats an OK without a video URL as an error, not a success', () => {
    expect(
      parseFalWebhook('{"payload": {"seed": 1}, "request_id": "r", "status": "OK"}')?.outcome,
    ).toMatchObject({ kind: 'error' });
  });
});
