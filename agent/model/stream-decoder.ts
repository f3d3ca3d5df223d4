// The streaming decoder as its users see it: bytes in, the documents they complete out. One interface for the
// decoder itself (agent/decode) and for what the framer and the daemon accept in its place (tests, fault injection).
import type { PrintedDocument } from '../decode/document.js';

export interface StreamDecoder {
  /** Feed bytes; returns the documents completed (ended by a cut) within them. */
  write(chunk: Uint8Array): PrintedDocument[];
  /** End of stream: finish what is in progress and return the remaining documents. */
  end(): PrintedDocument[];
}
