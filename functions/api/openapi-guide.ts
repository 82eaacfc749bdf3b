/**
 * The reference's front page (info.description, Markdown): how to call the API with curl, the openai
 * SDK and fetch, and the headers every answer carries. Rendered at /docs.
 */
export const API_GUIDE = `OpenAI's Videos API in front of fal's video models, archived to your own S3 bucket.

## Authentication
Every \`/v1\` request carries \`Authorization: Bearer <API key>\`. Keys come from the operator
(\`npm run admin -- keys create --tenant <name>\`); \`npm start\` prints a dev key for the local stack.
Use **Authorize** above to try requests from this page.

## Make a video
curl:
\`\`\`sh
curl -s $REELAY_URL/v1/videos -H "Authorization: Bearer $REELAY_API_KEY" \\
  -H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" \\
  -d '{"prompt": "a fox in the snow", "model": "seedance-1.5-pro", "seconds": "5"}'
curl -s $REELAY_URL/v1/videos/VIDEO_ID -H "Authorization: Bearer $REELAY_API_KEY"
curl -sL -o fox.mp4 $REELAY_URL/v1/videos/VIDEO_ID/content -H "Authorization: Bearer $REELAY_API_KEY"
\`\`\`
The \`openai\` SDK (Node; Python is the same with \`base_url\`):
\`\`\`js
import OpenAI from 'openai';
const client = new OpenAI({ baseURL: process.env.REELAY_URL + '/v1', apiKey: process.env.REELAY_API_KEY });
let video = await client.videos.create({ prompt: 'a fox in the snow', model: 'seedance-1.5-pro', seconds: '5' });
while (video.status === 'queued' || video.status === 'in_progress') {
  await new Promise((r) => setTimeout(r, 2000));
  video = await client.videos.retrieve(video.id);
}
const file = await client.videos.downloadContent(video.id); // a Response: await file.arrayBuffer()
\`\`\`
fetch:
\`\`\`js
const headers = { Authorization: 'Bearer ' + apiKey, 'Content-Type': 'application/json' };
const res = await fetch(url + '/v1/videos', { method: 'POST', headers,
  body: JSON.stringify({ prompt: 'a fox in the snow', seconds: '5' }) });
const video = await res.json(); // on failure: {"error": {"code", "message", "param"}}
const link = await (await fetch(url + '/v1/videos/' + video.id + '/content?redirect=false', { headers })).json();
// link.url is a presigned URL a <video> element can play until link.expires_at
\`\`\`

## Be told instead of polling
\`GET /v1/events\` is a WebSocket (not an HTTP operation, so it is not listed below): every change
of your videos as \`{id, object: "event", type, created_at, data: <the video object>}\`, with the
unfinished videos first on every connect. A browser gets a minute's token and the URL from
\`POST /v1/events/tokens\` and passes the token as a subprotocol; a server may send its key in
\`Authorization\`. \`?video_id=\` follows one video.
\`\`\`js
const { token, url } = await (await fetch('/v1/events/tokens', { method: 'POST', headers })).json();
new WebSocket(url, ['reelay-events', token]).onmessage = ({ data }) => console.log(JSON.parse(data));
\`\`\`

## Headers
- \`Idempotency-Key\` (request, on create): a retry with the same key and body answers the same
  video (\`Idempotent-Replayed: true\`) instead of making (and charging) a second one.
- \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` (every \`/v1\` answer): the
  tightest limit that applies to this key, and seconds until it resets.
- \`Retry-After\` (on 429): seconds to wait before trying again.

## Errors
Every error has one shape, \`{"error": {"code", "message", "param"}}\`, and a status that matches:
400 bad input, 401 no or bad key, 404 not yours or absent, 409 not ready, 413 too large,
429 rate or budget limit (with \`Retry-After\`), 502/503 provider trouble.
`;

type Json = Record<string, unknown>;
const header = (description: string) => ({ description, schema: { type: 'integer' } });
const RATE_HEADERS = {
  'RateLimit-Limit': header('Requests allowed in the current window by the tightest limit.'),
  'RateLimit-Remaining': header('Requests left in the current window.'),
  'RateLimit-Reset': header('Seconds until the window resets.'),
};

/**
 * Adds the headers the middleware sets to every `/v1` operation of a generated document: RateLimit-*
 * on each answer, Retry-After on 429. Done on the document so routes added later carry them too.
 */
export function withResponseHeaders<T extends { paths?: Json }>(document: T): T {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue;
    for (const operation of Object.values(item as Json)) {
      const responses = (operation as { responses?: Record<string, Json> }).responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        const extra =
          status === '429'
            ? { ...RATE_HEADERS, 'Retry-After': header('Seconds to wait before retrying.') }
            : status === '401'
              ? {}
              : RATE_HEADERS;
        response.headers = { ...(response.headers as Json | undefined), ...extra };
      }
    }
  }
  return document;
}
