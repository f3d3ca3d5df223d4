// Everything that happens to captured bytes off the passthrough path: framing into jobs, basket extraction and
// storage. Thread-agnostic: the daemon runs it on a worker thread (worker.ts); tests may run it in-process.
import { JobFramer } from '../capture/framer.js';
import type { StreamDecoder } from '../model/index.js';
import type { FramedJob, JobEnd, SessionInfo } from '../capture/types.js';
import { Decoder, type DecoderOptions } from '../decode/index.js';
import { extractBasket, type Basket, type ExtractContext, type LayoutProfile } from '../extract/index.js';
import { extractionContext, type StoreContextSettings } from '../pipeline/job-baskets.js';
import type { OcrService } from '../ocr/index.js';
import { reconciled } from '../extract/checks.js';
import type { JobRecord } from '../store/index.js';

/** How one link's captured bytes are cut into jobs and decoded. */
export interface LinkSettings {
  readonly idleGapMs: number;
  readonly maxJobBytes: number;
  readonly printerSetup?: DecoderOptions;
  /** Store context for this link's receipts (currency, locale, timezone), over the processor-wide values. */
  readonly store?: StoreContextSettings | undefined;
}

/** Makes a link's decoder; the daemon swaps in a faulty one to prove capture never touches printing. */
export type DecoderFactory = (options: DecoderOptions | undefined) => StreamDecoder;

const newDecoder: DecoderFactory = (options) => new Decoder(options);

export interface ProcessorSettings {
  readonly storeId?: string | undefined;
  readonly timezone: string;
  readonly currency?: string | undefined;
  readonly locale?: string | undefined;
  readonly profiles: readonly LayoutProfile[];
  /** Per link name; a session of a link not listed (removed by a reload) keeps the defaults. */
  readonly links: Readonly<Record<string, LinkSettings>>;
}

const RAW_AT_SHUTDOWN = 'stored raw, not decoded: captured while the daemon was shutting down with a backlog; re-parse it from the raw job';

/** The layout name of receipts no profile claimed. */
export const GENERIC_LAYOUT = 'generic';

const DEFAULT_LINK: LinkSettings = { idleGapMs: 2_000, maxJobBytes: 64 * 1024 * 1024 };

/** What the processor reports per stored job (for logs, status and drift), without any receipt text. */
export interface JobSummary {
  readonly id: string;
  readonly link: string;
  readonly tillId: string;
  readonly capturedAt: string;
  readonly endedBy: JobEnd;
  readonly size: number;
  readonly decodeError: string | null;
  readonly baskets: readonly BasketSummary[];
  /** Baskets read later by OCR for a job already reported when it was captured (its job is not counted again). */
  readonly ocr?: boolean;
}

export interface BasketSummary {
  readonly id: string;
  readonly kind: Basket['kind'];
  readonly total: number | null;
  readonly currency: string | null;
  readonly items: number;
  readonly confidence: number;
  readonly failedChecks: readonly string[];
  /** Every applicable check passed (what the drift alarm counts). */
  readonly reconciled: boolean;
  /** The layout profile that read it, or "generic". */
  readonly layout: string;
}

/** The summary of a stored job and the baskets just saved for it. */
export function jobSummary(job: JobRecord, baskets: readonly Basket[], options: { ocr?: boolean } = {}): JobSummary {
  return {
    id: job.id,
    link: job.link,
    tillId: job.tillId,
    capturedAt: job.capturedAt.toISOString(),
    endedBy: job.endedBy,
    size: job.bytes.length,
    decodeError: job.decodeError ?? null,
    baskets: baskets.map((b) => ({
      id: b.id,
      kind: b.kind,
      total: b.total,
      currency: b.currency,
      items: b.items.length,
      confidence: b.confidence,
      failedChecks: b.checks.filter((c) => !c.ok).map((c) => c.name),
      reconciled: reconciled(b.checks),
      layout: b.parser.profile ?? GENERIC_LAYOUT,
    })),
    ...(options.ocr === true && { ocr: true }),
  };
}

/** Where jobs are kept; JobWriter in the daemon (it never throws and holds jobs while the disk is full). */
export interface JobSaver {
  save(job: JobRecord, baskets: readonly Basket[]): void;
}

export class JobProcessor {
  #settings: ProcessorSettings;
  readonly #saver: JobSaver;
  readonly #report: (summary: JobSummary) => void;
  readonly #newDecoder: DecoderFactory;
  readonly #hurry: (() => boolean) | undefined;
  readonly #ocr: Pick<OcrService, 'offer'> | undefined;
  readonly #capturedUpTo: () => number;
  readonly #framers = new Map<number, JobFramer>();
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Infinity;

  constructor(
    settings: ProcessorSettings,
    saver: JobSaver,
    report: (summary: JobSummary) => void,
    options: {
      newDecoder?: DecoderFactory | undefined;
      hurry?: () => boolean;
      ocr?: Pick<OcrService, 'offer'>;
      /**
       * The capture time every byte before which has been handed in: idle gaps are judged against it, so bytes
       * still queued for the processor (a worker catching up) are never taken for a pause at the till.
       */
      capturedUpTo?: () => number;
    } = {},
  ) {
    this.#settings = settings;
    this.#saver = saver;
    this.#report = report;
    this.#newDecoder = options.newDecoder ?? newDecoder;
    this.#hurry = options.hurry;
    this.#ocr = options.ocr;
    this.#capturedUpTo = options.capturedUpTo ?? Date.now;
  }

  /** New settings apply to sessions opened from now on and to extraction of every job from now on. */
  configure(settings: ProcessorSettings): void {
    this.#settings = settings;
  }

  get openSessions(): number {
    return this.#framers.size;
  }

  open(session: number, info: SessionInfo): void {
    const link = this.#settings.links[info.link] ?? DEFAULT_LINK;
    const options = { idleGapMs: link.idleGapMs, maxJobBytes: link.maxJobBytes, newDecoder: () => this.#newDecoder(link.printerSetup) };
    this.#framers.set(session, new JobFramer(info, options, (job) => this.#process(job)));
  }

  data(session: number, bytes: Buffer, at: number): void {
    const framer = this.#framers.get(session);
    if (framer === undefined) return;
    if (this.#hurry?.() === true) framer.storeRaw(RAW_AT_SHUTDOWN);
    framer.data(bytes, at);
    this.#schedule(framer.idleDeadline);
  }

  /** How far into the session's stream every byte is in a saved job (for the capture journal), or undefined. */
  settledOffset(session: number): number | undefined {
    return this.#framers.get(session)?.settledOffset;
  }

  lost(session: number, byteCount: number): void {
    this.#framers.get(session)?.lost(byteCount);
  }

  end(session: number, reason: 'session-end' | 'shutdown'): void {
    const framer = this.#framers.get(session);
    if (framer === undefined) return;
    this.#framers.delete(session);
    framer.end(reason);
  }

  /** Ends every open session's job (daemon shutdown). */
  shutdown(): void {
    for (const session of [...this.#framers.keys()]) this.end(session, 'shutdown');
    clearTimeout(this.#timer);
    this.#timerDue = Infinity;
  }

  #process(job: FramedJob): void {
    const baskets: Basket[] = [];
    const contexts = job.documents.map((doc, index) => this.contextFor(job, index));
    job.documents.forEach((doc, index) => {
      const basket = extractBasket(doc, contexts[index]!);
      if (basket !== null) baskets.push(basket);
    });
    const record: JobRecord = {
      id: job.id,
      link: job.link,
      tillId: job.tillId,
      peer: job.peer,
      capturedAt: job.capturedAt,
      endedBy: job.endedBy,
      bytes: job.bytes,
      decodeError: job.decodeError,
    };
    this.#saver.save(record, baskets);
    // OCR hook: pictures are read later, off this path; a text basket of the same document keeps revision 1.
    this.#ocr?.offer(
      record,
      job.documents.map((doc, index) => {
        const ctx = contexts[index]!;
        return { doc, ctx: baskets.some((b) => b.id === ctx.id) ? { ...ctx, revision: 2 } : ctx };
      }),
    );
    this.#report(jobSummary(record, baskets));
  }

  /** One basket per printed document; a job is one document unless its bytes held several cut receipts. */
  contextFor(job: Pick<FramedJob, 'id' | 'tillId' | 'link'>, index: number): ExtractContext {
    return extractionContext(job, index, this.#settings, this.#settings.links[job.link]?.store);
  }

  /** One timer for the earliest idle deadline of all sessions. */
  #schedule(deadline: number | undefined): void {
    if (deadline === undefined || deadline >= this.#timerDue) return;
    clearTimeout(this.#timer);
    this.#timerDue = deadline;
    // The tick waits one more loop turn so bytes already queued for this thread (a busy worker catching up)
    // are framed first, and a job is not split at an idle gap that never happened at the till.
    this.#timer = setTimeout(() => setImmediate(this.#onTimer), Math.max(0, deadline - Date.now()));
  }

  readonly #onTimer = (): void => {
    this.#timerDue = Infinity;
    const now = this.#capturedUpTo();
    let next = Infinity;
    for (const framer of this.#framers.values()) {
      framer.tick(now);
      const deadline = framer.idleDeadline;
      if (deadline !== undefined && deadline < next) next = deadline;
    }
    if (next !== Infinity) this.#schedule(next);
  };
}
