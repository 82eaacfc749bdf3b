import { engineDeps } from '../core/wiring/engine.ts';
import { createFollowUpWorker } from './worker.ts';

export const handler = createFollowUpWorker(engineDeps());
