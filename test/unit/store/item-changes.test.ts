import { describe, expect, it } from 'vitest';
import { itemUpdate } from '../../../functions/core/store/dynamodb/item-changes.ts';

describe('itemUpdate: an UpdateItem of only what changed between two versions of an item', () => {
  it('sets changed and new attributes, removes dropped ones, and leaves equal ones (deeply) out', () => {
    const update = itemUpdate(
      { id: 'a', state: 'submitted', version: 3, falInput: { prompt: 'fox', seconds: 4 }, slotHeldAt: 5 },
      {
        id: 'a',
        state: 'generated',
        version: 4,
        falInput: { prompt: 'fox', seconds: 4 },
        video: { url: 'u' },
      },
    );
    expect(update).toBeDefined();
    const named = (placeholder: string) => update?.names[placeholder];
    const sets = Object.fromEntries(
      [...(update?.expression.matchAll(/(#a\d+) = (:v\d+)/g) ?? [])].map(([, name, value]) => [
        named(name as string),
        update?.values[value as string],
      ]),
    );
    expect(sets).toEqual({ state: 'generated', version: 4, video: { url: 'u' } });
    const removed = /REMOVE (.*)$/
      .exec(update?.expression ?? '')?.[1]
      ?.split(', ')
      .map((n) => named(n));
    expect(removed).toEqual(['slotHeldAt']);
    expect(Object.values(update?.names ?? {})).not.toContain('falInput');
  });

  it('treats an attribute holding undefined as absent, as the document client writes it', () => {
    expect(itemUpdate({ id: 'a', seed: undefined }, { id: 'a' })).toBeUndefined();
    expect(itemUpdate({ id: 'a' }, { id: 'a', seed: undefined })).toBeUndefined();
    expect(itemUpdate({ id: 'a', seed: 1 }, { id: 'a', seed: undefined })?.expression).toBe('REMOVE #a0');
  });

  it('answers nothing when nothing changed', () => {
    expect(
      itemUpdate({ id: 'a', plan: { steps: [1, 2] } }, { id: 'a', plan: { steps: [1, 2] } }),
    ).toBeUndefined();
  });
});
