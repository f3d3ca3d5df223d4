// The OCR engine: tesseract.js (Tesseract 5 compiled to WebAssembly) on its own worker thread, started on first
// use from files on disk only: the core .wasm comes from the tesseract.js-core package, the worker script from
// tesseract.js, and each language's LSTM model from its @tesseract.js-data/<code> npm package (langPath is a
// local folder, so tesseract.js reads it with fs, never fetch); cacheMethod 'none' writes no copy to the cwd. A recognition that runs
// past its time limit is stopped by terminating that thread (the only way to interrupt WebAssembly); the next job
// starts a fresh one.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';
import type { Logger } from '../log.js';

const require = createRequire(import.meta.url);

/** The LSTM-only integer models: what the engine runs with OEM 1, a quarter of the size of the legacy files. */
const MODEL_FOLDER = '4.0.0_best_int';

export interface RecognizedWord {
  readonly text: string;
  /** Box in the engine's image coordinates. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** 0..100 */
  readonly confidence: number;
}

export interface RecognizedLine {
  readonly words: readonly RecognizedWord[];
  readonly y0: number;
  readonly y1: number;
  readonly confidence: number;
}

export class OcrTimeoutError extends Error {
  constructor(ms: number) {
    super(`OCR stopped after ${ms} ms`);
    this.name = 'OcrTimeoutError';
  }
}

export class OcrSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OcrSetupError';
  }
}

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

function modelFile(code: string): string {
  let root: string;
  try {
    root = dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  } catch (error) {
    throw new OcrSetupError(`OCR language '${code}' is not installed: npm install @tesseract.js-data/${code}`, { cause: error });
  }
  return join(root, MODEL_FOLDER, `${code}.traineddata.gz`);
}

/**
 * The folder tesseract.js reads `<code>.traineddata.gz` from. It takes one folder for all languages (and its
 * in-memory form of models is broken in 7.0.0: it passes the model bytes as the language name), so for several
 * languages a folder of links to each package's file is made under the system temp folder.
 */
function modelFolder(languages: readonly string[]): string {
  const files = languages.map(modelFile);
  if (files.length === 1) return dirname(files[0]!);
  const folder = join(tmpdir(), `posbridge-ocr-models-${process.getuid?.() ?? 'user'}`, languages.join('+'));
  mkdirSync(folder, { recursive: true });
  languages.forEach((code, i) => {
    const link = join(folder, `${code}.traineddata.gz`);
    rmSync(link, { force: true });
    symlinkSync(files[i]!, link);
  });
  return folder;
}

export interface EngineOptions {
  readonly languages: readonly string[];
  /** Tesseract page segmentation mode, '3' (auto) .. '13'. */
  readonly psm: string;
  /** Where the engine's start and errors are logged (the caller's component logger). */
  readonly logger: Logger;
}

export class OcrEngine {
  readonly #options: EngineOptions;
  readonly #log: Logger;
  #worker: Promise<Tesseract.Worker> | undefined;
  /** "tesseract.js 7.0.0 (core 7.0.0), eng@1.0.0 4.0.0_best_int, psm 6": stored with every OCR basket. */
  readonly version: string;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#log = options.logger;
    const languages = options.languages.map((code) => {
      try {
        return `${code}@${packageVersion(`@tesseract.js-data/${code}`)}`;
      } catch {
        return `${code}@missing`;
      }
    });
    this.version = `tesseract.js ${packageVersion('tesseract.js')} (core ${packageVersion('tesseract.js-core')}), ${languages.join('+')} ${MODEL_FOLDER}, psm ${options.psm}`;
  }

  get started(): boolean {
    return this.#worker !== undefined;
  }

  /** Starts the engine thread now rather than at the first recognize(). */
  async warmUp(): Promise<void> {
    await this.#start();
  }

  /** Reads one image (PGM, PNG or BMP bytes) into lines of words with their boxes. */
  async recognize(image: Buffer, timeoutMs: number): Promise<RecognizedLine[]> {
    const worker = await this.#start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OcrTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      const result = await Promise.race([worker.recognize(image, {}, { blocks: true, text: false }), timeout]);
      return linesOf(result.data);
    } catch (error) {
      // A timed-out or failed engine may be mid-page or broken: throw it away, the next job starts a new one.
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the engine thread, giving its memory back; the next recognize() starts it again. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    try {
      await (await worker).terminate();
    } catch {
      // It failed to start or is already gone: nothing to give back.
    }
  }

  #start(): Promise<Tesseract.Worker> {
    if (this.#worker !== undefined) return this.#worker;
    const { languages, psm } = this.#options;
    const started = (async () => {
      const worker = await Tesseract.createWorker([...languages], Tesseract.OEM.LSTM_ONLY, {
        langPath: modelFolder(languages),
        cacheMethod: 'none',
        gzip: true,
        errorHandler: (error: unknown) => this.#log.warn({ err: error }, 'OCR engine error'),
      });
      await worker.setParameters({ tessedit_pageseg_mode: psm as Tesseract.PSM, preserve_interword_spaces: '1', user_defined_dpi: '300' });
      this.#log.info({ engine: this.version }, 'OCR engine started');
      return worker;
    })();
    this.#worker = started;
    started.catch(() => {
      if (this.#worker === started) this.#worker = undefined;
    });
    return started;
  }
}

function linesOf(page: Tesseract.Page): RecognizedLine[] {
  const lines: RecognizedLine[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words = line.words
          .filter((w) => w.text.trim() !== '')
          .map((w) => ({ text: w.text, x0: w.bbox.x0, y0: w.bbox.y0, x1: w.bbox.x1, y1: w.bbox.y1, confidence: w.confidence }));
        if (words.length > 0) lines.push({ words, y0: line.bbox.y0, y1: line.bbox.y1, confidence: line.confidence });
      }
    }
  }
  return lines.sort((a, b) => a.y0 - b.y0);
}
