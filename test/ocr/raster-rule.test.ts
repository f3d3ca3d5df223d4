// The rule that picks picture receipts for OCR, on real jobs: every raster-corpus job (three third-party encoders,
// four image commands) is picked; every text receipt of the extraction corpus, and escpos-php's receipt with a
// logo, is not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { DEFAULT_OCR_CONFIG, needsOcr, rasterShare } from '../../agent/ocr/index.js';
import { pagesOf } from '../../agent/ocr/page.js';
import { loadRasterCorpus } from './raster-corpus.js';

const threshold = DEFAULT_OCR_CONFIG.minImageShare;
const corpus = loadRasterCorpus();

describe('raster rule', () => {
  it('picks the one receipt document of every picture job, stacked into one page the height of the receipt', () => {
    for (const job of corpus.jobs) {
      const docs = decode(job.bytes);
      const picked = docs.filter((d) => needsOcr(d, threshold));
      expect(picked, job.file).toHaveLength(1);
      expect(rasterShare(picked[0]!).share, job.file).toBeGreaterThan(0.95);
      const pages = pagesOf(picked[0]!);
      expect(pages, job.file).toHaveLength(1);
      expect(pages[0]!.printedWidth, job.file).toBe(job.paper === '80mm' ? 576 : 384);
      expect(pages[0]!.height, job.file).toBeGreaterThan(600);
    }
  });

  it('leaves text receipts alone, with or without a logo', () => {
    const texts = corpus.jobs.map((j) => j.textBytes);
    const receipts = join('test', 'fixtures', 'receipts');
    for (const f of readdirSync(receipts).filter((f) => f.endsWith('.bin'))) texts.push(new Uint8Array(readFileSync(join(receipts, f))));
    const logo = new Uint8Array(readFileSync(join('test', 'fixtures', 'escpos-php', 'receipt-with-logo.bin')));
    const logoDocs = decode(logo);
    expect(logoDocs.some((d) => d.blocks.some((b) => b.kind === 'image' && b.bits.length > 0))).toBe(true);
    for (const bytes of [...texts, logo]) {
      for (const doc of decode(bytes)) expect(needsOcr(doc, threshold)).toBe(false);
    }
    const [withLogo] = logoDocs.filter((d) => rasterShare(d).imageDots > 0);
    expect(rasterShare(withLogo!).share).toBeLessThan(0.3);
  });

  it('ignores pictures without bits (NV logos printed from printer memory) and empty documents', () => {
    expect(rasterShare({ start: 0, end: 0, paperWidth: 576, gridDots: 12, columns: 48, blocks: [], issues: [] }).share).toBe(0);
    const nv = decode(Buffer.from([0x1c, 0x70, 0x01, 0x00, 0x0a]));
    for (const doc of nv) expect(needsOcr(doc, 0)).toBe(false);
  });
});
