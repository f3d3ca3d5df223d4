// The document as JSON: image bits become base64 so the output is plain JSON text, and readJson turns such
// text back into the same document.
import type { PrintedDocument } from '../decode/document.js';

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}

/** One document as a single line of JSON (the CLI prints JSON Lines: one document per line). */
export function renderJson(doc: PrintedDocument): string {
  return JSON.stringify(doc, replacer);
}

function reviver(key: string, value: unknown): unknown {
  return key === 'bits' && typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
}

/** The document renderJson wrote (image bits back as bytes). The text is trusted: it is not validated. */
export function readJson(text: string): PrintedDocument {
  return JSON.parse(text, reviver) as PrintedDocument;
}
