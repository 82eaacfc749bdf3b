import { createEventStreamHandler } from './stream.ts';
import { eventStreamDeps } from './wiring.ts';

export const handler = createEventStreamHandler(eventStreamDeps());
