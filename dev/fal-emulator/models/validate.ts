/** One input field, described the way the model's pydantic class declares it. */
export type FieldSpec =
  | { type: 'str'; required?: boolean; default?: string }
  | {
      type: 'literal';
      values: readonly (string | number)[];
      default?: string | number;
      /** Also accept the number/string twin of a permitted value (normalised to the permitted one). */
      loose?: boolean;
    }
  | { type: 'bool'; default?: boolean }
  /** A list of strings (URLs), e.g. merge-videos' `video_urls`. */
  | { type: 'list'; required?: boolean; minItems?: number }
  | { type: 'int'; default?: number; ge?: number; le?: number }
  | { type: 'float'; default?: number; ge?: number; le?: number };

export type InputSchema = Readonly<Record<string, FieldSpec>>;

/** A FastAPI/pydantic v1 error item, the shape of fal's `detail` list. */
export interface PydanticError {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

export type Validation =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; errors: PydanticError[] };

/**
 * Validates a submit body like the model's pydantic v1 model: defaults filled, unknown fields ignored,
 * every failing field reported. Strings are strict (v1 would coerce 123 to "123"; a type error is more useful here).
 */
export function validateInput(schema: InputSchema, body: unknown): Validation {
  if (body === undefined || body === null) {
    return { ok: false, errors: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] };
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }],
    };
  }
  const input = body as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  const errors: PydanticError[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const raw = input[name];
    if (raw === undefined || raw === null) {
      if ('default' in spec && spec.default !== undefined) value[name] = spec.default;
      else if ((spec.type === 'str' || spec.type === 'list') && spec.required) {
        errors.push({ loc: ['body', name], msg: 'field required', type: 'value_error.missing' });
      }
      continue;
    }
    if (spec.type === 'list') {
      const listErrors = checkList(spec, raw);
      if (listErrors.length > 0)
        errors.push(...listErrors.map((e) => ({ ...e, loc: ['body', name, ...e.loc] })));
      else value[name] = raw;
      continue;
    }
    const result = checkField(spec, raw);
    if ('error' in result) errors.push({ loc: ['body', name], ...result.error });
    else value[name] = result.value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

type FieldResult = { value: unknown } | { error: Omit<PydanticError, 'loc'> };

// pydantic v1's List[str] with min_items: each bad item reported at its index.
function checkList(spec: Extract<FieldSpec, { type: 'list' }>, raw: unknown): PydanticError[] {
  if (!Array.isArray(raw)) return [{ loc: [], msg: 'value is not a valid list', type: 'type_error.list' }];
  const min = spec.minItems ?? 0;
  if (raw.length < min) {
    return [
      {
        loc: [],
        msg: `ensure this value has at least ${min} items`,
        type: 'value_error.list.min_items',
        ctx: { limit_value: min },
      },
    ];
  }
  return raw.flatMap((item, index) =>
    typeof item === 'string' ? [] : [{ loc: [index], msg: 'str type expected', type: 'type_error.str' }],
  );
}

function checkField(spec: Exclude<FieldSpec, { type: 'list' }>, raw: unknown): FieldResult {
  switch (spec.type) {
    case 'str':
      return typeof raw === 'string'
        ? { value: raw }
        : { error: { msg: 'str type expected', type: 'type_error.str' } };
    case 'literal':
      return checkLiteral(spec.values, raw, spec.loose ?? false);
    case 'bool':
      return checkBool(raw);
    case 'int':
    case 'float':
      return checkNumber(spec, raw);
  }
}

function checkLiteral(values: readonly (string | number)[], raw: unknown, loose: boolean): FieldResult {
  if (values.some((allowed) => allowed === raw)) return { value: raw };
  // Sora's duration is the string "8" in its schema, but callers send 8 too (fal.md: accept both).
  const comparable = typeof raw === 'number' || typeof raw === 'string';
  const twin = loose && comparable ? values.find((allowed) => String(allowed) === String(raw)) : undefined;
  if (twin !== undefined) return { value: twin };
  const permitted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
  return {
    error: {
      msg: `unexpected value; permitted: ${permitted}`,
      type: 'value_error.const',
      ctx: { given: raw, permitted: [...values] },
    },
  };
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function checkBool(raw: unknown): FieldResult {
  if (typeof raw === 'boolean') return { value: raw };
  if (raw === 0 || raw === 1) return { value: raw === 1 };
  if (typeof raw === 'string' && TRUE_WORDS.has(raw.toLowerCase())) return { value: true };
  if (typeof raw === 'string' && FALSE_WORDS.has(raw.toLowerCase())) return { value: false };
  return { error: { msg: 'value could not be parsed to a boolean', type: 'type_error.bool' } };
}

function checkNumber(spec: Extract<FieldSpec, { type: 'int' | 'float' }>, raw: unknown): FieldResult {
  const parsed = spec.type === 'int' ? toInt(raw) : toFloat(raw);
  if (parsed === undefined) {
    return spec.type === 'int'
      ? { error: { msg: 'value is not a valid integer', type: 'type_error.integer' } }
      : { error: { msg: 'value is not a valid float', type: 'type_error.float' } };
  }
  if (spec.ge !== undefined && parsed < spec.ge) {
    return {
      error: {
        msg: `ensure this value is greater than or equal to ${spec.ge}`,
        type: 'value_error.number.not_ge',
        ctx: { limit_value: spec.ge },
      },
    };
  }
  if (spec.le !== undefined && parsed > spec.le) {
    return {
      error: {
        msg: `ensure this value is less than or equal to ${spec.le}`,
        type: 'value_error.number.not_le',
        ctx: { limit_value: spec.le },
      },
    };
  }
  return { value: parsed };
}

// Python ints are unbounded: a bigint from the lossless body parse stays exact.
function toInt(raw: unknown): number | bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'number' && Number.isFinite(raw)) return Math.trunc(raw);
  if (typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw)) {
    const big = BigInt(raw.trim());
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  return undefined;
}

function toFloat(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return undefined;
}
