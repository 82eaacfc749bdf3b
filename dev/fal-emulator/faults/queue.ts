import { type FalFault, type FaultEvent, falFaultSchema } from './schema.ts';

/** What an event is about, for `match`: the request's endpoint and prompt (absent for uploads). */
export interface FaultContext {
  endpointId?: string | undefined;
  prompt?: string | undefined;
}

interface Entry {
  fault: FalFault;
  remaining: number;
}

/** One-shot faults in injection order; each applies to the next `times` matching events. */
export class FaultQueue {
  #entries: Entry[] = [];

  /** Validates with zod so the JS API and the HTTP control surface accept exactly the same shapes. */
  add(fault: unknown): FalFault {
    const parsed = falFaultSchema.parse(fault);
    this.#entries.push({ fault: parsed, remaining: parsed.times ?? 1 });
    return parsed;
  }

  clear(): void {
    this.#entries = [];
  }

  /** Consumes and returns the first pending fault for this event whose match fits. */
  take<E extends FaultEvent>(on: E, context: FaultContext): Extract<FalFault, { on: E }> | undefined {
    const index = this.#entries.findIndex((entry) => isOn(entry.fault, on) && matches(entry.fault, context));
    const entry = this.#entries[index];
    if (!entry || !isOn(entry.fault, on)) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#entries.splice(index, 1);
    return entry.fault;
  }
}

function isOn<E extends FaultEvent>(fault: FalFault, on: E): fault is Extract<FalFault, { on: E }> {
  return fault.on === on;
}

function matches(fault: FalFault, context: FaultContext): boolean {
  const { endpoint, promptIncludes } = fault.match ?? {};
  if (endpoint !== undefined && endpoint !== context.endpointId) return false;
  if (promptIncludes !== undefined && !(context.prompt ?? '').includes(promptIncludes)) return false;
  return true;
}
