// The document as JSON: image bits become base64 so the output is plain JSON text.
import type { PrintedDocument } from '../decode/document.js';

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}

/** One document as a single line of JSON (the CLI prints JSON Lines: one document per line). */
export function renderJson(doc: PrintedDocument): string {
  return JSON.stringify(doc, replacer);
}
