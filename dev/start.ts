import { startLocalStack } from './local-stack.ts';

// the SDK warns that its 2027 releases need Node 22; Lambda runs Node 24 and the lockfile pins today's SDK
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm start`: the local stack in the foreground until Ctrl-C. */
const started = Date.now();
const stack = await startLocalStack();
const fal = stack.emulator ? `fal emulator at ${stack.emulator.url}` : 'real fal (FAL_KEY is set)';

console.log(`
Reelay is running on ${stack.url}  (ready in ${Date.now() - started} ms; ${fal})

  API key (dev tenant "local"):  ${stack.apiKey}
  Web page:                      ${stack.url}/
  OpenAPI:                       ${stack.url}/openapi.json
  Metrics (Prometheus text):     ${stack.url}/metrics

  curl -s ${stack.url}/v1/videos -H "Authorization: Bearer ${stack.apiKey}" \\
       -H "Content-Type: application/json" -d '{"prompt": "a fox in the snow", "seconds": "4"}'

Ctrl-C stops it; data stays in ${process.env.REELAY_DATA_DIR ?? '.data'}/ and unfinished jobs finish after a restart.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nstopping…');
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
