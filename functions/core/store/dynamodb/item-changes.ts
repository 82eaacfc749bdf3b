import { isDeepStrictEqual } from 'node:util';

/** An UpdateItem's expression and its placeholders, naming only the attributes that changed. */
export interface ItemUpdate {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The top-level attributes that differ between two versions of an item: set where `next` has a
 * value `previous` did not (or another), removed where `next` has none. An attribute holding
 * `undefined` counts as absent, as the document client's `removeUndefinedValues` writes it.
 * Answers undefined when nothing changed.
 */
export function itemUpdate(previous: object, next: object): ItemUpdate | undefined {
  const before = previous as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const attribute of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const value = after[attribute];
    if (value === undefined && before[attribute] === undefined) continue;
    if (value !== undefined && isDeepStrictEqual(value, before[attribute])) continue;
    // placeholders for every name: a job's attributes include DynamoDB reserved words (state, size)
    const name = `#a${Object.keys(names).length}`;
    names[name] = attribute;
    if (value === undefined) remove.push(name);
    else {
      const placeholder = `:v${Object.keys(values).length}`;
      values[placeholder] = value;
      set.push(`${name} = ${placeholder}`);
    }
  }
  if (set.length === 0 && remove.length === 0) return undefined;
  const clauses = [
    set.length > 0 && `SET ${set.join(', ')}`,
    remove.length > 0 && `REMOVE ${remove.join(', ')}`,
  ];
  return { expression: clauses.filter(Boolean).join(' '), names, values };
}
