import { productionDeps } from '../core/wiring.ts';
import { createFollowUpWorker } from './worker.ts';

export const handler = createFollowUpWorker(productionDeps());
