import { describe, expect, it } from 'vitest';
import { createAesSecretBox } from '../../../functions/core/events/secret-box.ts';

describe('the secret box', () => {
  it('opens what it sealed, and reads its key once', async () => {
    let reads = 0;
    const box = createAesSecretBox(async () => {
      reads += 1;
      return 'k'.repeat(40);
    });
    const sealed = await Promise.all([box.seal('whsec_one'), box.seal('whsec_two')]);
    expect(await Promise.all(sealed.map((s) => box.open(s)))).toEqual(['whsec_one', 'whsec_two']);
    expect(reads).toBe(1);
  });

  it('a key read that failed (Secrets Manager slow or down) is tried again, not kept for the container’s life', async () => {
    const answers: (() => Promise<string>)[] = [
      async () => {
        throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      },
      async () => 'k'.repeat(40),
    ];
    let reads = 0;
    const box = createAesSecretBox(() => (answers[reads++] as () => Promise<string>)());
    await expect(box.seal('whsec_one')).rejects.toThrow('Request aborted');
    const sealed = await box.seal('whsec_one');
    expect(await box.open(sealed)).toBe('whsec_one');
    expect(reads).toBe(2);
  });
});
