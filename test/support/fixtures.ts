import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** fal's webhook bodies, byte for byte, from ../shared/fixtures/fal-webhooks (beside the checkout, as in CI). */
export function falFixture(name: string): Buffer {
  return readFileSync(
    fileURLToPath(new URL(`../../../shared/fixtures/fal-webhooks/${name}`, import.meta.url)),
  );
}
