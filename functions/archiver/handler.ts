import { productionDeps } from '../core/wiring.ts';
import { createArchiverHandler } from './archiver.ts';

export const handler = createArchiverHandler(productionDeps());
