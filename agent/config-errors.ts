// A config that does not validate is explained in the words store IT needs at a till: which key, what is wrong
// with it, and what to write instead, with "did you mean" for a mistyped key. zod finds the problems; this
// module only words them, walking the schema to learn which keys were possible where the mistake is.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
// The parts of zod's internal definition this walk reads; zod 4 keeps them on `_zod.def`.
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object schemas that could stand at this spot, given the value written there (a union picks its match). */
function objectShapes(schema: z.ZodType, value: unknown): Record<string, z.ZodType>[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [def.shape ?? {}];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType === undefined ? [] : objectShapes(def.innerType, value);
    case 'pipe':
      return def.in === undefined ? [] : objectShapes(def.in, value);
    case 'union': {
      const shapes = (def.options ?? []).flatMap((option) => objectShapes(option, value));
      const kind = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).kind : undefined;
      const matching = shapes.filter((shape) => {
        const literal = shape.kind === undefined ? undefined : defOf(shape.kind) as Def & { values?: unknown[] };
        return literal?.values?.includes(kind) === true;
      });
      return matching.length > 0 ? matching : shapes;
    }
    default:
      return [];
  }
}

function childSchema(schema: z.ZodType, value: unknown, key: PropertyKey): z.ZodType | undefined {
  const def = defOf(schema);
  if (def.type === 'array') return def.element;
  if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(def.type)) return def.innerType && childSchema(def.innerType, value, key);
  if (def.type === 'pipe') return def.in && childSchema(def.in, value, key);
  for (const shape of objectShapes(schema, value)) if (typeof key === 'string' && shape[key] !== undefined) return shape[key];
  return undefined;
}

function at(value: unknown, key: PropertyKey): unknown {
  if (Array.isArray(value) && typeof key === 'number') return value[key];
  return typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
}

/** The keys allowed at `path` (where an unknown key was found). */
export function keysAt(schema: z.ZodType, raw: unknown, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  let value = raw;
  for (const key of path) {
    if (node === undefined) return [];
    node = childSchema(node, value, key);
    value = at(value, key);
  }
  return node === undefined ? [] : [...new Set(objectShapes(node, value).flatMap((shape) => Object.keys(shape)))];
}

/** Edits (insert, delete, change, swap two neighbours) from one key to the other, ignoring case. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}

/** The known key a mistyped one most likely meant: close in spelling (a third of its letters at most). */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

function explain(schema: z.ZodType, raw: unknown, issue: Issue): string[] {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(schema, raw, issue.path);
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      const full = pathText([...issue.path, key]);
      const fix = guess === undefined ? `remove it (known keys here: ${known.join(', ')})` : `did you mean "${guess}"? rename it`;
      return `${full}: unknown key; ${fix}`;
    });
  }
  if (issue.code === 'invalid_type' && issue.path.reduce<unknown>(at, raw) === undefined) {
    return [`${where}: missing; add it (${issue.expected} expected)`];
  }
  const written = issue.path.reduce<unknown>(at, raw);
  // A mistyped driver kind or option value: the allowed ones are in the issue, so guess among them.
  // zod puts a discriminated union's allowed values on the issue as `options` (not in its published type).
  const options = issue.code === 'invalid_union' ? (issue as { options?: unknown }).options : undefined;
  const allowed = issue.code === 'invalid_value' ? issue.values.map(String) : Array.isArray(options) ? options.map(String) : undefined;
  if (allowed !== undefined && typeof written === 'string') {
    const guess = didYouMean(written, allowed);
    const fix = guess === undefined ? `use one of: ${allowed.join(', ')}` : `did you mean "${guess}"?`;
    return [`${where}: "${written}" is not one of ${allowed.join(', ')}; ${fix}`];
  }
  return [`${where}: ${issue.message}; fix the value`];
}

/** One line per problem: `path: what is wrong; what to do`. */
export function formatConfigIssues(schema: z.ZodType, raw: unknown, issues: readonly Issue[]): string {
  return issues.flatMap((issue) => explain(schema, raw, issue)).map((line) => `  - ${line}`).join('\n');
}
