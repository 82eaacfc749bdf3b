import { parseArgs } from 'node:util';
import { startFalEmulator } from './index.ts';

// Standalone emulator for curl demos: `npx tsx dev/fal-emulator/main.ts --port 4010 --state-dir .data/fal`.
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4010' },
    'state-dir': { type: 'string' },
    'queue-ms': { type: 'string' },
    'generation-ms': { type: 'string' },
    'api-key': { type: 'string' },
  },
});

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const emulator = await startFalEmulator({
  host: values.host,
  port: number(values.port),
  stateDir: values['state-dir'],
  queueMs: number(values['queue-ms']),
  generationMs: number(values['generation-ms']),
  apiKey: values['api-key'],
  log: (line) => console.log(`[fal-emulator] ${line}`),
});
console.log(`[fal-emulator] JWKS at ${emulator.jwksUrl}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
