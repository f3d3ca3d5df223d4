// Layout profiles: a declarative file (JSON or YAML) per merchant or till software that pins anchors, adds
// labels and line patterns, and overrides generic rules. Validated with zod once, when loaded; compiled into
// Rules (rules.ts) once per profile. Adding a profile is adding a file: no code changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TENDER_TYPES } from './basket.js';

/** Version of the profile file format this parser reads (the `format` key). */
export const PROFILE_FORMAT = 1;

const regex = z.string().min(1).superRefine((source, ctx) => {
  try {
    new RegExp(source, 'iu');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

const itemPattern = regex.refine((s) => s.includes('(?<description>') && s.includes('(?<amount>'), {
  message: 'an item pattern needs named groups (?<description>...) and (?<amount>...)',
});

const fieldPattern = regex.refine((s) => /\((?!\?)|\(\?<[a-z]/i.test(s), {
  message: 'a field pattern needs one capture group holding the value',
});

const words = z.array(z.string().min(1)).optional();

export const layoutProfileSchema = z
  .object({
    format: z.literal(PROFILE_FORMAT),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, . _ - only'),
    version: z.number().int().min(1),
    description: z.string().optional(),
    /** How the profile is picked from a receipt's header; a profile can also be named in config. */
    match: z
      .object({
        /** Regex tested against each of the first `headerLines` text lines. */
        merchantName: regex.optional(),
        /** VAT number as printed, compared without spaces. */
        vatNumber: z.string().min(4).optional(),
        headerLines: z.number().int().min(1).max(40).default(8),
      })
      .strict()
      .refine((m) => m.merchantName !== undefined || m.vatNumber !== undefined, {
        message: 'match needs merchantName or vatNumber',
      })
      .optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as GBP').optional(),
    dateOrder: z.enum(['DMY', 'MDY', 'YMD']).optional(),
    /** Values printed nowhere (or unreadably) that the profile states. */
    merchant: z
      .object({ name: z.string(), address: z.string(), vatNumber: z.string(), phone: z.string() })
      .partial()
      .strict()
      .optional(),
    anchors: z
      .object({
        /** Items start on the line after the first line matching this. */
        itemsStart: regex.optional(),
        /** Items end at the first line matching this (that line is read as a totals line). */
        itemsEnd: regex.optional(),
        /** Lines matching any of these are skipped entirely. */
        ignore: z.array(regex).optional(),
      })
      .strict()
      .optional(),
    /** Extra words per concept, added to the generic vocabulary (regex fragments, matched as a whole label). */
    labels: z
      .object({
        subtotal: words,
        total: words,
        refundTotal: words,
        change: words,
        summaries: words,
        discountWords: words,
        tenders: z.partialRecord(z.enum(TENDER_TYPES), z.array(z.string().min(1))).optional(),
      })
      .strict()
      .optional(),
    /** Item line patterns tried before the generic ones, against the line's text (columns joined by 2 spaces). */
    itemPatterns: z.array(itemPattern).optional(),
    /** Field patterns tried before the generic ones: one capture group each. */
    fields: z
      .object({
        receiptNumber: fieldPattern,
        storeId: fieldPattern,
        tillId: fieldPattern,
        operator: fieldPattern,
        vatNumber: fieldPattern,
        phone: fieldPattern,
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export type LayoutProfile = z.output<typeof layoutProfileSchema> & { /** where it was loaded from */ source?: string };

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** Validates a parsed profile object; `source` names it in errors. */
export function parseProfile(data: unknown, source = '(profile)'): LayoutProfile {
  const parsed = layoutProfileSchema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ProfileError(`${source}: invalid layout profile: ${detail}`);
  }
  return { ...parsed.data, source };
}

const PROFILE_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/** Reads and validates one profile file (JSON or YAML). */
export function loadProfileFile(path: string): LayoutProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ProfileError(`${path}: cannot read profile: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ProfileError(`${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseProfile(data, path);
}

/**
 * Loads profiles from files and directories (a directory contributes its .json/.yaml/.yml files, sorted by
 * name). Every file is validated; the first invalid one throws with its path. Names must be unique.
 */
export function loadProfiles(dirOrFiles: string[]): LayoutProfile[] {
  const files: string[] = [];
  for (const entry of dirOrFiles) {
    let isDir: boolean;
    try {
      isDir = statSync(entry).isDirectory();
    } catch (err) {
      throw new ProfileError(`${entry}: cannot read profile: ${(err as Error).message}`);
    }
    if (isDir) {
      for (const name of readdirSync(entry).sort()) {
        if (PROFILE_EXTENSIONS.has(extname(name))) files.push(join(entry, name));
      }
    } else {
      files.push(entry);
    }
  }
  const profiles = files.map(loadProfileFile);
  const seen = new Map<string, string>();
  for (const p of profiles) {
    const other = seen.get(p.name);
    if (other !== undefined) throw new ProfileError(`${p.source}: profile name '${p.name}' is also used by ${other}`);
    seen.set(p.name, p.source ?? '');
  }
  return profiles;
}
