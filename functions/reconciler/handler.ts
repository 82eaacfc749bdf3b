import { productionDeps } from '../core/wiring.ts';
import { createReconcilerHandler } from './reconciler.ts';

export const handler = createReconcilerHandler(productionDeps());
