import { engineDeps } from '../core/wiring/engine.ts';
import { createReconcilerHandler } from './reconciler.ts';

export const handler = createReconcilerHandler(engineDeps());
