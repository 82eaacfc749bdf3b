import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestStack, type TestStack } from '../support/test-stack.ts';
import { waitUntil } from '../support/wait-until.ts';

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE jobs; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally
  '${jndi:ldap://169.254.169.254/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '$(rm -rf /)',
  '`id`',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  '\r\nX-Injected: 1',
];
const ODD_UNICODE = [
  '\ud800', // lone high surrogate
  '\udfff',
  'a\u0000b',
  '\u0007bell',
  'x\u001b[31m',
  '\uffff\ud83d',
];

/** A completed video of the caller's, so feedback cases reach validation rather than a 404. */
const FEEDBACK_VIDEO = { id: 'video_019f6af7308800000000000000000000' };

/** A valid create body; each case breaks exactly one thing about it. */
const VALID = {
  prompt: 'a red fox in fresh snow',
  model: 'seedance-1.5-pro',
  seconds: '4',
  size: '1280x720',
};

type Case = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: BodyInit | null;
  key?: string | null;
};

function jsonCase(body: unknown): Case {
  return {
    method: 'POST',
    path: '/v1/videos',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A valid endpoint body; each webhook case breaks one thing about it. */
const VALID_ENDPOINT = { url: 'https://example.com/hooks', name: 'fuzz', event_types: ['video.completed'] };

function webhookCase(path: string, body: unknown, method = 'POST'): Case {
  return {
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function generate(seed: number, count: number): Case[] {
  const r = rng(seed);
  const junkString = () =>
    r.pick([
      () => r.pick(INJECTIONS),
      () => r.pick(ODD_UNICODE),
      () => 'x'.repeat(r.pick([5_000, 70_000])),
      () => String.fromCharCode(...Array.from({ length: 1 + r.int(40) }, () => r.int(0x2000))),
    ])();
  const wrongType = () => r.pick<unknown>([null, 42, -1.5, true, [], [1, 2], { a: 1 }]);
  const mutations: Array<() => Case> = [
    // a field of the wrong type
    () => {
      const field = r.pick([
        'prompt',
        'model',
        'seconds',
        'size',
        'generate_audio',
        'seed',
        'metadata',
        'image_url',
        'callback_url',
        'input_reference',
        'enable_safety_checker',
        'style',
        'enhance_prompt',
        'fallback_models',
      ]);
      const value =
        field === 'seconds' || field === 'seed'
          ? r.pick<unknown>([null, true, [], {}, 'abc', -5, 1.5, 1e12])
          : field === 'generate_audio' || field === 'enable_safety_checker' || field === 'enhance_prompt'
            ? r.pick<unknown>([null, 1, 0, 'yes', 'TRUE', [], { a: 1 }])
            : wrongType();
      return jsonCase({ ...VALID, [field]: value });
    },
    // a string field made hostile: too long, broken Unicode, or something the model does not offer
    () => {
      const field = r.pick(['prompt', 'model', 'size', 'seconds', 'resolution', 'aspect_ratio', 'style']);
      const junk = junkString();
      // any junk is invalid for these fields; a prompt is made so by its length or by broken text
      const prompt = r.next() < 0.5 ? `${'y'.repeat(4_001)}${junk}` : r.pick(ODD_UNICODE);
      return jsonCase({ ...VALID, [field]: field === 'prompt' ? prompt : junk });
    },
    // an unknown field (the policy: rejected, never ignored)
    () =>
      jsonCase({
        ...VALID,
        [r.pick(['promt', 'Prompt', '__proto__x', 'duration', 'n', r.pick(INJECTIONS)])]: 'x',
      }),
    // an empty or blank prompt, a missing one
    () => jsonCase(r.pick([{ ...VALID, prompt: '' }, { ...VALID, prompt: '   \n\t ' }, { model: 'sora-2' }])),
    // numbers out of range
    () => jsonCase({ ...VALID, seed: r.pick([-2, 4_294_967_296, 2 ** 53 + 1, '99999999999999']) }),
    // metadata abuse
    () =>
      jsonCase({
        ...VALID,
        metadata: r.pick<unknown>([
          Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
          { ['k'.repeat(65)]: 'v' },
          { k: 'v'.repeat(513) },
          { k: 1 },
          { '': 'v' },
          { k: '\ud800' },
        ]),
      }),
    // SSRF in either URL field
    () =>
      jsonCase({
        ...VALID,
        [r.pick(['image_url', 'callback_url'])]: r.pick([
          'https://169.254.169.254/latest/meta-data/',
          'http://[fd00:ec2::254]/',
          'https://10.0.0.1/a.png',
          'https://[::ffff:192.168.0.1]/',
          'file:///etc/passwd',
          'gopher://127.0.0.1:6379/_INFO',
          'javascript:alert(1)',
          'https://user:pw@93.184.215.14/',
          `https://${'a'.repeat(2_100)}.com/`,
        ]),
      }),
    // parser-differential and reserved-range URLs (WHATWG and Python's urlsplit read them differently)
    () =>
      jsonCase({
        ...VALID,
        [r.pick(['image_url', 'callback_url'])]: r.pick([
          'https://93.184.216.34\\@169.254.169.254/x.png',
          'https://93.184.216.34\\\\@169.254.169.254/x.png',
          'https://example.com\\@10.0.0.1/x.png',
          'https://exam\tple.com/a.png',
          'https://example.com/a\nb.png',
          'https://example.com/a.png\u0000',
          'https://example.com/\u200b.png',
          'https://example.com/ a.png',
          'https://[64:ff9b:1::a9fe:a9fe]/a.png',
          'https://[::ffff:5db8:d822]/a.png',
          'https://[fec0::1]/a.png',
          'https://192.0.2.1/a.png',
          'https://198.51.100.1/a.png',
          'https://203.0.113.1/a.png',
        ]),
      }),
    // metadata keys that are not text, or that a plain object would swallow
    () =>
      jsonCase(
        `{"prompt": "a fox", "metadata": ${r.pick([
          '{"k\\u0000": "v"}',
          '{"\\ud800": "v"}',
          '{"x\\u001b[31m": "v"}',
          '{"__proto__": "v"}',
          '{"a": "b", "__proto__": {"polluted": "yes"}}',
          '{"\\u0007": "v"}',
        ])}}`,
      ),
    // a form with a hostile number of fields (each distinct name once cost a scan of all of them)
    () => {
      const fields = r.pick([65, 2_000, 40_000]);
      if (r.next() < 0.5) {
        return {
          method: 'POST',
          path: '/v1/videos',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `prompt=a+fox&${Array.from({ length: fields }, (_, i) => `f${i}=`).join('&')}`,
        };
      }
      const boundary = `----hostile${r.int(1e6)}`;
      const parts = Array.from(
        { length: Math.min(fields, 20_000) },
        (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n\r\n`,
      );
      return {
        method: 'POST',
        path: '/v1/videos',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${parts.join('')}--${boundary}--\r\n`,
      };
    },
    // broken JSON
    () =>
      jsonCase(
        r.pick([
          '',
          '{',
          '{"prompt": "a fox",}',
          '{"prompt": "a fox"',
          "{'prompt': 'a fox'}",
          '[]',
          '"just a string"',
          'null',
          '42',
          '\ufeff{"prompt": "a fox"}x',
          `{"prompt": "${'\\'.repeat(3)}"}`,
          '['.repeat(5_000),
          '{"prompt": "a", "prompt": 1}',
          '{"prompt": NaN}',
        ]),
      ),
    // wrong or missing content type
    () => ({
      method: 'POST',
      path: '/v1/videos',
      headers: r.pick<Record<string, string>>([
        {},
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/xml' },
        { 'content-type': 'image/png' },
      ]),
      body: JSON.stringify(VALID),
    }),
    // broken multipart
    () => {
      const boundary = `----fuzz${r.int(1e6)}`;
      const good = `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na fox\r\n`;
      return {
        method: 'POST',
        path: '/v1/videos',
        headers: {
          'content-type': r.pick([
            `multipart/form-data; boundary=${boundary}`,
            'multipart/form-data',
            `multipart/form-data; boundary=other`,
          ]),
        },
        body: r.pick([
          good, // no closing boundary
          `${good}--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nagain\r\n--${boundary}--\r\n`, // duplicate
          `--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename="a.exe"\r\nContent-Type: application/x-msdownload\r\n\r\nMZ\r\n${good}--${boundary}--\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="prompt"; filename="p.txt"\r\nContent-Type: text/plain\r\n\r\na fox\r\n--${boundary}--\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename="e.png"\r\nContent-Type: image/png\r\n\r\n\r\n${good}--${boundary}--\r\n`,
          `${good}--${boundary}\r\nContent-Disposition: form-data; name="seconds"\r\n\r\nfour\r\n--${boundary}--\r\n`,
          `${good}--${boundary}\r\nContent-Disposition: form-data; name="${r.pick(INJECTIONS)}"\r\n\r\nx\r\n--${boundary}--\r\n`,
          'garbage without any boundary',
          `--${boundary}\r\n\r\n\r\n--${boundary}--`,
        ]),
      };
    },
    // reads with bad ids and queries
    () => {
      const id = r.pick([
        'video_1',
        '../../etc/passwd',
        '%2e%2e%2f',
        'video_019f6af7308800000000000000000000x',
        encodeURIComponent(r.pick(INJECTIONS)),
        'x'.repeat(300),
        '%F0%9F%98%80',
        '%ED%A0%80',
      ]);
      return r.pick<Case>([
        { method: 'GET', path: `/v1/videos/${id}`, headers: {} },
        { method: 'DELETE', path: `/v1/videos/${id}`, headers: {} },
        { method: 'GET', path: `/v1/videos/${id}/content`, headers: {} },
        {
          method: 'GET',
          path: `/v1/videos?${r.pick([
            'limit=0',
            'limit=101',
            'limit=abc',
            'limit=1e3',
            'order=sideways',
            `after=${id}`,
            'after=video_019f6af7308800000000000000000000&after=x',
            `unknown=${encodeURIComponent(r.pick(INJECTIONS))}`,
          ])}`,
          headers: {},
        },
        {
          method: 'GET',
          path: `/v1/videos/video_019f6af7308800000000000000000000/content?variant=${encodeURIComponent(
            junkString()
              .slice(0, 100)
              .replace(/\p{Cs}/gu, '?'),
          )}`,
          headers: {},
        },
      ]);
    },
    // the pages' files and the content URL as JSON: junk names are a 404, junk values a 400
    () =>
      r.pick<Case>([
        {
          method: 'GET',
          path: `/assets/${r.pick([
            '../package.json',
            '..%2f..%2fpackage.json',
            'studio/%00.js',
            'vendor/',
            'studio/app.js.map',
            'web-assets.ts',
            encodeURIComponent(r.pick(INJECTIONS)),
          ])}`,
          headers: {},
        },
        {
          method: 'GET',
          path: `/v1/videos/video_019f6af7308800000000000000000000/content?redirect=${encodeURIComponent(
            r.pick(['no', '0', 'FALSE', '', ...INJECTIONS]),
          )}`,
          headers: {},
        },
      ]),
    // webhook endpoints: a broken create body (a valid one would create an endpoint)
    () => {
      const broken = r.pick<Record<string, unknown>>([
        { ...VALID_ENDPOINT, url: wrongType() },
        { ...VALID_ENDPOINT, url: junkString() },
        {
          ...VALID_ENDPOINT,
          url: r.pick([
            'https://169.254.169.254/latest/meta-data/',
            'https://10.0.0.1/hook',
            'https://[::ffff:192.168.0.1]/',
            'file:///etc/passwd',
            'gopher://127.0.0.1:6379/_INFO',
            'https://user:pw@93.184.215.14/',
            `https://${'a'.repeat(2_100)}.com/`,
          ]),
        },
        {
          ...VALID_ENDPOINT,
          event_types: r.pick<unknown>([[], ['video.created'], 'video.completed', [1], null, [junkString()]]),
        },
        { ...VALID_ENDPOINT, name: r.pick<unknown>([wrongType(), 'n'.repeat(129), r.pick(ODD_UNICODE)]) },
        {
          ...VALID_ENDPOINT,
          [r.pick(['secret', 'signing_secret', 'tenant', '__proto__x', r.pick(INJECTIONS)])]: 'x',
        },
        { name: 'no url', event_types: ['video.completed'] },
        { url: VALID_ENDPOINT.url },
      ]);
      return r.next() < 0.2
        ? webhookCase('/v1/webhook_endpoints', r.pick(['', '{', '[]', 'null', '"x"', '{"url": NaN}']))
        : webhookCase('/v1/webhook_endpoints', broken);
    },
    // webhook endpoints: bad ids on every route, bad list queries, bad bodies on the tenant's callback secret
    () => {
      const id = r.pick([
        'whe_1',
        '../../etc/passwd',
        '%2e%2e%2f',
        'whe_019f6af7308800000000000000000000x',
        'whe_019f6af7308800000000000000000000',
        encodeURIComponent(r.pick(INJECTIONS)),
        'x'.repeat(300),
        '%ED%A0%80',
      ]);
      return r.pick<Case>([
        { method: 'GET', path: `/v1/webhook_endpoints/${id}`, headers: {} },
        { method: 'DELETE', path: `/v1/webhook_endpoints/${id}`, headers: {} },
        { method: 'GET', path: `/v1/webhook_endpoints/${id}/deliveries`, headers: {} },
        webhookCase(`/v1/webhook_endpoints/${id}`, { name: 'x' }),
        webhookCase(`/v1/webhook_endpoints/${id}/rotate_secret`, {}),
        webhookCase(`/v1/webhook_endpoints/${id}/test`, { event_type: 'video.completed' }),
        {
          method: 'GET',
          path: `/v1/webhook_endpoints?${r.pick([
            'limit=0',
            'limit=101',
            'limit=abc',
            'order=sideways',
            `after=${id}`,
            `unknown=${encodeURIComponent(r.pick(INJECTIONS))}`,
          ])}`,
          headers: {},
        },
        webhookCase(
          '/v1/callback_secret/rotate',
          r.pick<unknown>([
            { keep_old_secret_active_for_24_hours: r.pick<unknown>(['yes', 1, null, []]) },
            { [r.pick(['keep', 'secret', r.pick(INJECTIONS)])]: true },
            '{',
            '[]',
          ]),
        ),
      ]);
    },
    // bad credentials
    () => ({
      method: r.next() < 0.5 ? 'GET' : 'POST',
      path: '/v1/videos',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(VALID),
      key: r.pick([
        null,
        '',
        'rly_',
        `rly_${'A'.repeat(43)}`,
        'x'.repeat(10_000),
        '\u00e9\u00e9',
        r.pick(INJECTIONS).replace(/[\r\n]/g, ''),
      ]),
    }),
    // fallback models: unknown, repeated, the primary itself, too many, wrong types
    () =>
      jsonCase({
        ...VALID,
        fallback_models: r.pick<unknown>([
          ['nope'],
          ['seedance-1.5-pro'],
          ['sora-2', 'sora-2'],
          ['sora-2', 'veo-3.1', 'sora-2-pro', 'kling-2.5-turbo-pro'],
          [junkString()],
          [1, 2],
          'x'.repeat(201),
          `sora-2,${r.pick(INJECTIONS)}`,
        ]),
      }),
    // creative and insight routes (issue 14): styles, enhancement previews, feedback and stats
    () => {
      const body = r.pick<unknown>([
        { prompt: 'a fox', style: junkString() },
        { prompt: 'a fox', model: junkString() },
        { prompt: r.pick(['', '  ', `${'y'.repeat(4_001)}`, r.pick(ODD_UNICODE)]) },
        { prompt: 'a fox', [r.pick(['enhance', 'Prompt', r.pick(INJECTIONS)])]: 'x' },
        { prompt: wrongType() },
        { prompt: 'a b0mb' },
        { style: 'anime' },
        r.pick(['', '{', '[]', 'null', '"a fox"']),
      ]);
      return {
        method: 'POST',
        path: '/v1/prompts/enhance',
        headers: { 'content-type': r.pick(['application/json', 'text/plain', 'application/json']) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      };
    },
    () => {
      const id = r.next() < 0.7 ? FEEDBACK_VIDEO.id : r.pick(['video_1', '%2e%2e%2f', 'x'.repeat(300)]);
      const score = () => r.pick<unknown>([0, 6, -1, 2.5, '3', null, true, [], {}, 1e9]);
      const body = r.pick<unknown>([
        {},
        { rating: score() },
        { rating: 3, [r.pick(['visual_quality', 'prompt_adherence', 'consistency', 'narrative'])]: score() },
        { rating: 3, comment: r.pick([`${'x'.repeat(500)}${junkString()}`, 'da b0mb', r.pick(ODD_UNICODE)]) },
        { rating: 3, [r.pick(['stars', '__proto__x', r.pick(INJECTIONS)])]: 1 },
        r.pick(['', '{', '[]', 'null', '3']),
      ]);
      return r.next() < 0.8
        ? {
            method: 'POST',
            path: `/v1/videos/${id}/feedback`,
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }
        : {
            method: 'GET',
            path: `/v1/videos/${r.pick(['video_1', '%ED%A0%80', encodeURIComponent(r.pick(INJECTIONS))])}/feedback`,
            headers: {},
          };
    },
    // edits and remix (issue 13): broken bodies, unknown models, bad ids; never a valid edit
    () => {
      const source = FEEDBACK_VIDEO.id;
      const prompt = () =>
        r.pick<unknown>(['', '  ', `${'y'.repeat(4_001)}`, r.pick(ODD_UNICODE), wrongType(), 'a b0mb']);
      if (r.next() < 0.6) {
        const body = r.pick<unknown>([
          {},
          { prompt: 'make it snow' },
          { video: { id: source } },
          { video: source, prompt: 'x' },
          { video: { id: wrongType() }, prompt: 'x' },
          {
            video: { id: r.pick(['video_1', '../../etc/passwd', 'x'.repeat(300), r.pick(INJECTIONS)]) },
            prompt: 'x',
          },
          { video: { id: source }, prompt: prompt() },
          {
            video: { id: source },
            prompt: 'x',
            model: r.pick<unknown>([junkString(), 'sora-2', wrongType()]),
          },
          { video: { id: source, url: 'https://example.com/a.mp4' }, prompt: 'x' },
          {
            video: { id: source },
            prompt: 'x',
            [r.pick(['seconds', 'size', '__proto__x', r.pick(INJECTIONS)])]: '8',
          },
          r.pick(['', '{', '[]', 'null', '"x"']),
        ]);
        return webhookCase('/v1/videos/edits', body);
      }
      const id = r.pick([
        source,
        source,
        'video_1',
        '%2e%2e%2f',
        'x'.repeat(300),
        encodeURIComponent(r.pick(INJECTIONS)),
      ]);
      const body = r.pick<unknown>([
        {},
        { prompt: prompt() },
        { prompt: 'x', model: r.pick<unknown>([junkString(), 'veo-3.1', wrongType()]) },
        { prompt: 'x', video: { id: source } },
        r.pick(['', '{', '[]', 'null']),
      ]);
      return webhookCase(`/v1/videos/${id}/remix`, body);
    },
    () => ({
      method: 'GET',
      path: `/v1/stats?${r.pick([
        'since=2026-02-30',
        'since=tomorrow',
        'until=1999-13-01',
        'since=2026-02-01&until=2026-01-01',
        'since=2000-01-01',
        'group_by=week',
        'group_by=model&group_by=style',
        `model=${'m'.repeat(65)}`,
        `since=${encodeURIComponent(r.pick(INJECTIONS))}`,
        `${encodeURIComponent(r.pick(INJECTIONS))}=1`,
        'since=99999999999999',
      ])}`,
      headers: {},
    }),
    // the event stream's routes over plain HTTP: a GET that did not upgrade, tokens without a valid key
    () =>
      r.pick<Case>([
        {
          method: 'GET',
          path: `/v1/events?${r.pick([
            `token=${encodeURIComponent(r.pick(INJECTIONS))}`,
            `video_id=${encodeURIComponent(r.pick(INJECTIONS))}`,
            'token=evtok_v1.AAAA.BBBB',
            `token=${'x'.repeat(600)}`,
          ])}`,
          headers: {},
        },
        {
          method: 'POST',
          path: '/v1/events/tokens',
          headers: {},
          key: r.pick<string | null>([null, 'rly_wrong', r.pick(INJECTIONS), 'x'.repeat(300)]),
        },
        { method: r.pick(['PUT', 'DELETE', 'PATCH']), path: '/v1/events/tokens', headers: {} },
      ]),
    // extensions: a body broken in one way (a valid one would extend the rated video)
    () => {
      const video = { id: FEEDBACK_VIDEO.id };
      const body = r.pick<unknown>([
        { video, prompt: 'on', seconds: r.pick<unknown>(['24', '0', '121', 'abc', null, 21, true, []]) },
        {
          video,
          prompt: r.pick<unknown>(['', '   ', null, 7, r.pick(ODD_UNICODE), 'y'.repeat(4_001)]),
          seconds: '4',
        },
        {
          video: r.pick<unknown>([null, 'video_1', [], {}, { id: 7 }, { id: video.id, x: 1 }]),
          prompt: 'on',
          seconds: '4',
        },
        { video: { id: r.pick(['video_1', '../../x', r.pick(INJECTIONS)]) }, prompt: 'on', seconds: '4' },
        { prompt: 'no video', seconds: '4' },
        {
          video,
          prompt: 'on',
          seconds: '4',
          [r.pick(['model', 'size', '__proto__x', r.pick(INJECTIONS)])]: 'x',
        },
        r.pick(['', '{', '[]', 'null', '"x"']),
      ]);
      return {
        method: 'POST',
        path: '/v1/videos/extensions',
        headers: { 'content-type': r.pick(['application/json', 'application/json', 'text/plain']) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      };
    },
    // sequences: a broken create body, or bad ids and queries on the other routes
    () => {
      const scene = { prompt: 'a scene', seconds: '4' };
      const body = r.pick<unknown>([
        { scenes: r.pick<unknown>([[], [scene], null, 'x', {}, Array.from({ length: 9 }, () => scene)]) },
        { scenes: [scene, { ...scene, prompt: r.pick<unknown>(['', null, 3, r.pick(ODD_UNICODE)]) }] },
        { scenes: [scene, { ...scene, seconds: r.pick<unknown>(['99', 'abc', -1, null, '0']) }] },
        { scenes: [scene, { ...scene, [r.pick(['image_url', '__proto__x', r.pick(INJECTIONS)])]: 'x' }] },
        { scenes: [scene, scene], continuity: r.pick<unknown>(['yes', 1, null, []]) },
        { scenes: [scene, scene], model: r.pick<unknown>(['nope', 7, '', r.pick(INJECTIONS)]) },
        { scenes: [scene, scene], size: r.pick(['1x1', 'big', '99999x99999']) },
        { scenes: [scene, scene], callback_url: r.pick(['https://169.254.169.254/', 'file:///etc/passwd']) },
        { scenes: Array.from({ length: 8 }, () => ({ prompt: 'long', seconds: '16' })), model: 'sora-2' },
        { scenes: [scene, scene], [r.pick(['prompt', 'fallback_models', r.pick(INJECTIONS)])]: 'x' },
        r.pick(['', '{', '[]', 'null', '"x"']),
      ]);
      const id = r.pick([
        'seq_1',
        'video_019f6af7308800000000000000000000',
        '%2e%2e%2f',
        'x'.repeat(300),
        '%ED%A0%80',
      ]);
      return r.next() < 0.7
        ? {
            method: 'POST',
            path: '/v1/sequences',
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }
        : r.pick<Case>([
            { method: 'GET', path: `/v1/sequences/${id}`, headers: {} },
            { method: 'DELETE', path: `/v1/sequences/${id}`, headers: {} },
            {
              method: 'GET',
              path: `/v1/sequences?${r.pick(['limit=0', 'limit=101', 'order=up', `after=${id}`, 'after=video_019f6af7308800000000000000000000'])}`,
              headers: {},
            },
          ]);
    },
  ];
  return Array.from({ length: count }, () => r.pick(mutations)());
}

/** Bad attempts to open the event stream: forged tokens, bad video ids, bad keys, odd subprotocols. */
function streamCases(seed: number, count: number) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    const protocols = ['reelay-events'];
    const kind = r.int(4);
    if (kind === 0)
      query.set('token', r.pick([...INJECTIONS, 'evtok_', 'evtok_v1.AAAA.BBBB', 'x'.repeat(600)]));
    if (kind === 1) protocols.push(r.pick(['evtok_v1.AAAA.BBBB', 'evtok_', 'evtok_v2.x.y']));
    if (kind === 2)
      headers.authorization = `Bearer ${r.pick(['rly_wrong', 'x'.repeat(300), 'evtok_v1.A.B'])}`;
    if (kind === 3) {
      headers.authorization = 'Bearer KEY';
      query.set('video_id', r.pick([...INJECTIONS, 'video_1', `video_${'0'.repeat(33)}`]));
    }
    return { query: query.toString(), headers, protocols };
  });
}

async function jobsInTable(stack: TestStack): Promise<number> {
  const client = new DynamoDBClient({
    region: stack.deps.config.region,
    endpoint: stack.deps.config.endpoints.dynamodb,
  });
  const { Count = 0 } = await client.send(
    new ScanCommand({ TableName: stack.deps.config.jobsTable, Select: 'COUNT' }),
  );
  client.destroy();
  return Count;
}

async function webhookItems(stack: TestStack): Promise<number> {
  const client = new DynamoDBClient({
    region: stack.deps.config.region,
    endpoint: stack.deps.config.endpoints.dynamodb,
  });
  const { Count = 0 } = await client.send(
    new ScanCommand({ TableName: stack.deps.config.webhooks.table, Select: 'COUNT' }),
  );
  client.destroy();
  return Count;
}

async function connectionItems(stack: TestStack): Promise<number> {
  const client = new DynamoDBClient({
    region: stack.deps.config.region,
    endpoint: stack.deps.config.endpoints.dynamodb,
  });
  const { Count = 0 } = await client.send(
    new ScanCommand({ TableName: stack.deps.config.events.connectionsTable, Select: 'COUNT' }),
  );
  client.destroy();
  return Count;
}

async function objectsInBucket(stack: TestStack): Promise<number> {
  const client = new S3Client({
    region: stack.deps.config.region,
    endpoint: stack.deps.config.endpoints.s3,
    forcePathStyle: true,
  });
  const { KeyCount = 0 } = await client.send(
    new ListObjectsV2Command({ Bucket: stack.deps.config.videoBucket }),
  );
  client.destroy();
  return KeyCount;
}

describe('fuzz: generated bad requests', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { REELAY_PROMPT_BLOCKLIST: 'bomb' } });
    FEEDBACK_VIDEO.id = (await stack.createVideo({ ...VALID, prompt: 'a rated fox' })).id;
    expect((await stack.settle(FEEDBACK_VIDEO.id)).state).toBe('completed');
    // the archiver counts the job in the statistics just after completing it: let that write land first
    const today = new Date().toISOString().slice(0, 10);
    await waitUntil(
      () => stack.deps.stats.read('local', [today]),
      (days) => days.length === 1,
    );
  });
  afterAll(() => stack.close());

  it('every answer is a 4xx in the error envelope, and nothing is written or sent to fal', {
    timeout: 180_000,
  }, async () => {
    const cases = generate(20261122, Number(process.env.FUZZ_CASES ?? 2_500));
    const before = {
      jobs: await jobsInTable(stack),
      webhooks: await webhookItems(stack),
      objects: await objectsInBucket(stack),
      fal: stack.emulator?.stats(),
    };
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const test = cases[index] as Case;
        const { key, ...init } = test;
        if (init.method === 'GET') init.body = undefined;
        let response: Response;
        try {
          response = await stack.api(test.path, {
            ...init,
            ...(key !== undefined && { key }),
            signal: AbortSignal.timeout(5_000),
          });
        } catch (error) {
          // a request the fetch client itself cannot send (e.g. a header it refuses) tests nothing
          if (error instanceof TypeError && /header|ByteString/i.test(String(error.cause ?? error.message)))
            continue;
          failures.push(`#${index} ${test.method} ${test.path.slice(0, 80)}: ${String(error)}`);
          continue;
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        let body:
          | { error?: { code?: unknown; message?: unknown; param?: unknown; type?: unknown } }
          | undefined;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const envelope =
          typeof body?.error?.code === 'string' &&
          typeof body.error.message === 'string' &&
          (body.error.param === null || typeof body.error.param === 'string') &&
          body.error.type === 'invalid_request_error';
        if (response.status < 400 || response.status >= 500 || !envelope) {
          failures.push(
            `#${index} ${test.method} ${test.path.slice(0, 80)} ${String(test.body).slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    expect(statuses.size).toBeGreaterThan(3);
    expect({
      jobs: await jobsInTable(stack),
      webhooks: await webhookItems(stack),
      objects: await objectsInBucket(stack),
      fal: stack.emulator?.stats(),
    }).toEqual(before);
  });

  it('every bad attempt to open the event stream is closed with a clear code, soon, and records nothing', {
    timeout: 60_000,
  }, async () => {
    const before = await connectionItems(stack);
    const failures: string[] = [];
    const cases = streamCases(20261130, Number(process.env.FUZZ_STREAM_CASES ?? 200));
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const test = cases[index] as ReturnType<typeof streamCases>[number];
        if (test.headers.authorization === 'Bearer KEY')
          test.headers.authorization = `Bearer ${stack.apiKey}`;
        const url = `${stack.url.replace(/^http/, 'ws')}/v1/events?${test.query}`;
        const outcome = await new Promise<string>((resolve) => {
          const socket = new WebSocket(url, test.protocols, { headers: test.headers });
          const timer = setTimeout(() => {
            socket.terminate();
            resolve('still open after 5 s');
          }, 5_000);
          socket.on('close', (code) => {
            clearTimeout(timer);
            resolve(String(code));
          });
          socket.on('error', () => undefined);
        });
        if (outcome !== '4401' && outcome !== '4400')
          failures.push(
            `#${index} ${test.query.slice(0, 80)} ${JSON.stringify(test.protocols)} → ${outcome}`,
          );
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await connectionItems(stack)).toBe(before);
  });
});
