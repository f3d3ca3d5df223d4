// The printed document: what a receipt printer would have put on paper for one job.
// This is the contract between decode/ (which builds it) and render/ and extract/ (which read it),
// so it is plain data: JSON-serialisable apart from image bits, which toJSON turns into base64.

export type Alignment = 'left' | 'center' | 'right';

export type FontName = 'A' | 'B' | 'C' | 'D' | 'E';

/** Character style in force when a span was printed. Instances are shared and frozen: compare by value. */
export interface TextStyle {
  readonly bold: boolean;
  /** 0 none, 1 thin, 2 thick */
  readonly underline: 0 | 1 | 2;
  /** Character width and height multipliers, 1..8 (ESC !, GS !). */
  readonly width: number;
  readonly height: number;
  /** White on black (GS B). */
  readonly invert: boolean;
  readonly font: FontName;
  /** Upside-down (ESC {) and 90° rotation (ESC V) as printed. */
  readonly upsideDown: boolean;
  readonly rotated: boolean;
}

/** A run of text printed in one style at one horizontal position. */
export interface Span {
  readonly text: string;
  /** Left edge in dots from the left of the printable area, after margins and alignment are applied. */
  readonly x: number;
  /** Width in dots as printed (character widths times multipliers, plus character spacing). */
  readonly width: number;
  /**
   * Column on the document's character grid (x / gridDots, rounded): what extraction uses to tell
   * left and right columns apart without knowing fonts.
   */
  readonly column: number;
  readonly style: TextStyle;
}

export interface TextLine {
  readonly kind: 'text';
  readonly spans: readonly Span[];
  /** Alignment in force when the line was printed (ESC a). Span x values already include it. */
  readonly align: Alignment;
}

export type BarcodeSymbology =
  | 'UPC-A'
  | 'UPC-E'
  | 'EAN13'
  | 'EAN8'
  | 'CODE39'
  | 'ITF'
  | 'CODABAR'
  | 'CODE93'
  | 'CODE128'
  | 'GS1-128'
  | 'GS1 DataBar Omnidirectional'
  | 'GS1 DataBar Truncated'
  | 'GS1 DataBar Limited'
  | 'GS1 DataBar Expanded'
  | 'CODE128 auto'
  | 'unknown';

export interface BarcodeBlock {
  readonly kind: 'barcode';
  readonly symbology: BarcodeSymbology;
  /** The encoded data as characters (code-set shift characters of CODE128 removed). */
  readonly data: string;
  /** Where the human-readable interpretation is printed (GS H). */
  readonly hri: 'none' | 'above' | 'below' | 'both';
  /** Bar height in dots (GS h) and module width (GS w). */
  readonly height: number;
  readonly moduleWidth: number;
  readonly align: Alignment;
}

export type TwoDSymbology = 'QR' | 'PDF417' | 'MaxiCode' | 'DataMatrix' | 'Aztec' | 'GS1 DataBar 2D' | 'Composite';

export interface TwoDCodeBlock {
  readonly kind: '2d';
  readonly symbology: TwoDSymbology;
  readonly data: string;
  /** Symbol settings as sent (model, module size, error correction level, columns/rows...). */
  readonly settings: Readonly<Record<string, number | string>>;
  readonly align: Alignment;
}

export interface ImageBlock {
  readonly kind: 'image';
  /** Which command printed it: 'GS v 0', 'ESC *', 'GS ( L', 'GS 8 L', 'FS p', 'GS / ', 'GS ( L stored'. */
  readonly source: string;
  /** Size in dots. */
  readonly width: number;
  readonly height: number;
  /**
   * 1 bit per dot, rows top to bottom, each row padded to whole bytes, most significant bit leftmost, 1 = black.
   * Empty when the image is larger than the decoder's image limit (then `truncated` is true) or is an NV/stored
   * image whose bits were defined earlier on the printer and never seen in this job.
   */
  readonly bits: Uint8Array;
  readonly truncated: boolean;
  /** Scale factors as printed (double width/height modes). */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly align: Alignment;
  /** Key code or NV image number, for stored images. */
  readonly ref?: string;
}

export type EventName =
  | 'cut'
  | 'drawer-pulse'
  | 'status-request'
  | 'buzzer'
  | 'initialize'
  | 'page-mode'
  | 'feed';

export interface EventBlock {
  readonly kind: 'event';
  readonly event: EventName;
  /** The command that raised it, in the reference's notation, e.g. 'GS V', 'DLE EOT'. */
  readonly command: string;
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

export type Block = TextLine | BarcodeBlock | TwoDCodeBlock | ImageBlock | EventBlock;

export interface DecodeIssue {
  /** Byte offset within the job where the issue was found. */
  readonly offset: number;
  readonly message: string;
}

/** The printer command languages the decoder reads. */
export type DialectName = 'escpos' | 'star-line' | 'star-prnt';

/**
 * Which command language a document was read in and why: the printer's setup named it, or (`auto`) it was
 * recognised from the stream by the command quoted in `evidence`, or no telling command came before the
 * detection limit and ESC/POS was assumed.
 */
export interface DialectReport {
  readonly name: DialectName;
  readonly from: 'setup' | 'detected' | 'assumed';
  readonly evidence?: string;
}

export interface PrintedDocument {
  /** Byte range of this document within the stream it was decoded from: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Width of the printable area in dots, and the character grid width in dots that span columns use. */
  readonly paperWidth: number;
  readonly gridDots: number;
  /** Characters per line on that grid (paperWidth / gridDots). */
  readonly columns: number;
  readonly blocks: readonly Block[];
  /** Commands the decoder did not know or could not finish (truncated); decoding went on after each. */
  readonly issues: readonly DecodeIssue[];
  /** The command language the bytes were read in (always set by the decoder; optional for hand-built documents). */
  readonly dialect?: DialectReport;
}
