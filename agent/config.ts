// The agent's configuration: one zod schema, validated once when the daemon starts (and again on SIGHUP), so
// everything past this module can trust its options. A file may be JSON or YAML; with no file the agent runs
// the embedded default, a raw TCP printer on 127.0.0.1:9100 whose jobs land in files under the data folder.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { driverConfigSchema } from '../drivers/index.js';
import { formatConfigIssues } from './config-errors.js';
import { printerSetupSchema } from './decode/setup-schema.js';
import { sinkConfigSchema, sinkName } from './forward/sink-config.js';
import { ocrConfigSchema } from './ocr/config.js';
import { isTimeZone } from './extract/dates.js';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

// ---- Store context (extraction): where the tills are, so receipts are read with the right currency, date
// order, decimal separator, language and clock. Agent-wide (`currency`, `locale`, `timezone`) or per link
// (`store`), the link's value winning; what neither says is inferred from each receipt (docs/basket.md).
const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as GBP');
const localeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(?:[-_](?:[A-Z]{2}|\d{3}))?$/, 'BCP 47 locale such as en-GB, en-US, de-DE, fr-FR, nl-NL, es-ES, it-IT');
const timezoneSchema = z.string().refine(isTimeZone, 'an IANA timezone such as Europe/London');
export const linkStoreContextSchema = z
  .strictObject({
    currency: currencySchema.optional().describe("ISO 4217 currency of this link's till, for receipts that print none."),
    locale: localeSchema.optional().describe("BCP 47 locale of this link's till: date order, decimal separator, label language."),
    timezone: timezoneSchema.optional().describe("IANA timezone of this link's till clock."),
  })
  .describe('Store context for this link; overrides the agent-wide currency, locale and timezone.');
export type LinkStoreContext = z.output<typeof linkStoreContextSchema>;
// ---- end of store context.

export const linkConfigSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-", at most 64').describe('Names the link in logs, jobs and `test-print --link`.'),
    tillId: z.string().min(1).optional().describe('Till this link serves; stored with every job and basket. Default: the link name.'),
    till: driverConfigSchema.describe('Till-facing side: tcp (listen), serial or file.'),
    printer: driverConfigSchema.describe('Printer-facing side: tcp (connect), serial, usb, file or none.'),
    idleGapMs: z
      .number()
      .int()
      .min(10)
      .default(2_000)
      .describe('A job also ends when the till sends nothing for this long (serial lines never close). Default 2000.'),
    replyLingerMs: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('After the till has sent a job and closed its side, how long the printer may keep replying before the connection is closed. Default 10000.'),
    printerRetryMs: z
      .number()
      .int()
      .min(10)
      .default(1_000)
      .describe('Serial tills: first wait before retrying a printer that could not be opened; doubles up to 30 s. Default 1000.'),
    maxJobBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024)
      .describe('A job this long is stored and a new one begun, so one runaway job cannot exhaust memory. Default 64 MiB.'),
    printerSetup: printerSetupSchema
      // prefault, not default: an absent printerSetup goes through the schema, which sets dialect auto.
      .prefault({})
      .describe(
        'How the printer is set up, so captured jobs decode as it prints them: model (e.g. epson-tm-t88vi, star-tsp650ii, ' +
          'xprinter-xp-n160ii, bixolon-srp350iii: sets dialect, paperWidth and codePageNumbering in one word), dialect (escpos, ' +
          'star-line, star-prnt, or auto: recognised from the stream, the default), paperWidth in dots (576 for 80 mm, 384 for 58 mm), ' +
          'codePage (power-on ESC t value), codePageNumbering (whose ESC t numbers: epson, star, xprinter, bixolon, citizen, sunmi, hp, ' +
          'fujitsu, metapace, pos-5890, pos-8360, bematech, daruma, elgin, generic), characterEncoding (single-byte or utf-8 at ' +
          'power-on), kanjiEncoding. Explicit keys win over the model. Default: dialect auto, an 80 mm Epson at PC437.',
      ),
    store: linkStoreContextSchema.optional(),
  })
  .describe('One till joined to one printer.');

// Forwarding: the sinks (agent/forward/<kind>/) and the retention of delivered raw jobs.
const RETENTION_DEFAULTS = { maxAgeDays: 35, maxBytes: 1024 ** 3 };
const FORWARD_DEFAULTS = { sinks: [], retention: RETENTION_DEFAULTS };

export const forwardConfigSchema = z.strictObject({
  agentId: z.string().min(1).optional().describe('How this agent names itself to the backend. Default: the host name.'),
  sinks: z.array(sinkConfigSchema).default([]).describe('Where baskets go: http (a receipts backend) or nats (JetStream). None: baskets are only stored.'),
  retention: z
    .strictObject({
      // A busy till prints about 1,000 receipts a day of 2–5 KB each: a month is well under the size cap.
      maxAgeDays: z.number().min(1).default(RETENTION_DEFAULTS.maxAgeDays).describe('Delivered raw jobs older than this are pruned. Default 35.'),
      maxBytes: z.number().int().min(1024 * 1024).default(RETENTION_DEFAULTS.maxBytes).describe('Past this much raw job data the oldest delivered jobs are pruned. Default 1 GiB.'),
    })
    .default(RETENTION_DEFAULTS)
    .describe('Undelivered jobs are never pruned.'),
});

export type ForwardConfig = z.output<typeof forwardConfigSchema>;
const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\]|::1)$/;

/** `host:port`; the admin endpoint answers only on the loopback interface (the till PC itself). */
export const adminConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve /healthz, /metrics and the status page. Default true.'),
    listen: z
      .string()
      .default('127.0.0.1:8790')
      .refine((text) => /^(.+):(\d{1,5})$/.test(text) && Number(text.slice(text.lastIndexOf(':') + 1)) <= 65535, 'write it as host:port, e.g. 127.0.0.1:8790')
      .refine((text) => LOOPBACK.test(text.slice(0, text.lastIndexOf(':'))), 'the admin endpoint must stay on this PC: use 127.0.0.1:PORT')
      .describe('Where the admin endpoint listens, host:port on loopback. Default 127.0.0.1:8790.'),
    maxBacklogAgeSeconds: z
      .number()
      .positive()
      .default(900)
      .describe('/healthz reports a problem when the oldest undelivered basket is older than this. Default 900 (15 min).'),
  })
  .describe('The local admin endpoint.');

export const driftConfigSchema = z
  .strictObject({
    window: z.number().int().min(1).default(20).describe('How many of the latest receipts per link and layout the share covers. Default 20.'),
    minReceipts: z.number().int().min(1).default(5).describe('Receipts a layout must have shown before it can raise the alarm. Default 5.'),
    alarmBelow: z.number().min(0).max(1).default(0.8).describe('Alarm when the share of fully reconciled receipts drops below this. Default 0.8.'),
  })
  .describe('The drift alarm: a till update that changed the receipt layout.');

export const agentConfigSchema = z
  .strictObject({
    dataDir: z.string().min(1).optional().describe('Database, job files and control socket. Default $POSBRIDGE_DATA or ~/.posbridge.'),
    storeId: z.string().min(1).optional().describe('Store this agent runs in; stored with every basket.'),
    timezone: z
      .string()
      .min(1)
      .default('Europe/London')
      .refine(isTimeZone, { error: (issue) => `"${String(issue.input)}" is not an IANA time zone; use one such as Europe/London, Europe/Berlin or America/New_York` })
      .describe("IANA timezone of the tills' clocks. Default Europe/London."),
    currency: currencySchema.optional().describe('ISO 4217 currency for receipts that print none.'),
    locale: localeSchema.optional().describe('BCP 47 locale of the store (en-GB, en-US, de-DE...): date order, decimal separator, label language. Default: inferred per receipt.'),
    profilesDir: z.string().min(1).optional().describe('Folder of layout profiles (YAML or JSON).'),
    captureBacklogBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(256 * 1024 * 1024)
      .describe('Captured bytes waiting for the decoder beyond which capture (never printing) is shed. Default 256 MiB.'),
    admin: adminConfigSchema.default({ enabled: true, listen: '127.0.0.1:8790', maxBacklogAgeSeconds: 900 }),
    drift: driftConfigSchema.default({ window: 20, minReceipts: 5, alarmBelow: 0.8 }),
    links: z.array(linkConfigSchema).min(1).describe('The till-printer links this agent runs.'),
    forward: forwardConfigSchema.default(FORWARD_DEFAULTS).describe('Where baskets are delivered, and how long delivered raw jobs are kept.'),
    // OCR of picture receipts (agent/ocr/config.ts); `ocr: { enabled: false }` turns it off.
    ocr: ocrConfigSchema.default(ocrConfigSchema.parse({})),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.links.forEach((link, index) => {
      if (seen.has(link.name)) ctx.addIssue({ code: 'custom', path: ['links', index, 'name'], message: `duplicate link name "${link.name}"` });
      seen.add(link.name);
      if (link.till.kind === 'usb' || link.till.kind === 'none') {
        ctx.addIssue({ code: 'custom', path: ['links', index, 'till', 'kind'], message: `a ${link.till.kind} driver cannot face the till` });
      }
    });
    const sinks = new Set<string>();
    config.forward.sinks.forEach((sink, index) => {
      const name = sinkName(sink);
      if (sinks.has(name)) ctx.addIssue({ code: 'custom', path: ['forward', 'sinks', index, 'name'], message: `two sinks named "${name}": give each its own name` });
      sinks.add(name);
    });
  })
  .describe('posbridge agent configuration.');

export type LinkConfig = z.output<typeof linkConfigSchema>;

/** A validated config with the data folder resolved, as the rest of the agent sees it. */
export type AgentConfig = Omit<z.output<typeof agentConfigSchema>, 'dataDir'> & {
  dataDir: string;
  source: string;
  /** The config file's folder (the working folder for the embedded default): relative sink files resolve here. */
  baseDir: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function defaultDataDir(): string {
  return process.env.POSBRIDGE_DATA || join(homedir(), '.posbridge');
}

/**
 * The embedded default, so a new user can try posbridge with nothing set up: a network printer on
 * 127.0.0.1:9100 (`nc 127.0.0.1 9100 < receipt.bin`) whose jobs are written to `<dataDir>/printed/`.
 */
export function embeddedDefault(dataDir = defaultDataDir()): unknown {
  return {
    dataDir,
    links: [
      {
        name: 'default',
        till: { kind: 'tcp', host: '127.0.0.1', port: 9100 },
        printer: { kind: 'file', path: join(dataDir, 'printed') },
      },
    ],
    // `posbridge dev-backend` listens here: the whole flow on one machine. Until it runs, baskets wait in the outbox.
    forward: { sinks: [{ kind: 'http', name: 'dev-backend', url: 'http://127.0.0.1:8787/v1/receipts', sendRawJob: true }] },
  };
}

/** Each link's printer setup by link name, as sent beside raw jobs (BatchContext.printerSetups). */
export function printerSetupsOf(config: AgentConfig): Record<string, LinkConfig['printerSetup']> {
  return Object.fromEntries(config.links.map((link) => [link.name, link.printerSetup]));
}

/** Validates a raw config object; relative paths (data, profiles, file drivers) are resolved against `baseDir` (the config file's folder). */
export function parseAgentConfig(raw: unknown, source: string, baseDir = process.cwd()): AgentConfig {
  const result = agentConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${source}: invalid configuration:\n${formatConfigIssues(agentConfigSchema, raw, result.error.issues)}`);
  const config = result.data;
  const within = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  // Only file paths are the config's own; serial and usb paths name devices (COM3, /dev/usb/lp0) and stay as written.
  const sideWithin = <Side extends LinkConfig['till']>(side: Side): Side => (side.kind === 'file' ? { ...side, path: within(side.path) } : side);
  return {
    ...config,
    links: config.links.map((link) => ({ ...link, till: sideWithin(link.till), printer: sideWithin(link.printer) })),
    source,
    baseDir,
    dataDir: within(config.dataDir ?? defaultDataDir()),
    ...(config.profilesDir !== undefined && { profilesDir: within(config.profilesDir) }),
  };
}

/** Reads and validates a config file (.json, or YAML for anything else); no file means the embedded default. */
export async function loadAgentConfig(file?: string): Promise<AgentConfig> {
  if (file === undefined) return parseAgentConfig(embeddedDefault(), 'embedded default');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read configuration: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseAgentConfig(raw, file, dirname(resolve(file)));
}

/** The admin endpoint's host and port, from `admin.listen`. */
export function adminAddress(config: Pick<AgentConfig, 'admin'>): { host: string; port: number } {
  const listen = config.admin.listen;
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(listen.slice(colon + 1)) };
}

/** The till id a link's jobs are recorded under. */
export function tillIdOf(link: LinkConfig): string {
  return link.tillId ?? link.name;
}
