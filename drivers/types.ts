// The narrow interface every transport driver implements. A link (agent/capture) joins one till-facing
// driver to one printer-facing driver; drivers know nothing about ESC/POS, jobs or storage.
//
// Both sides hand out plain Node Duplex streams (as node-serialport does), so the passthrough is a pair of
// pipes and back-pressure, errors and close behave the way every Node stream does.

import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import type { Logger } from '../agent/model/index.js';

/** One conversation with the till: a TCP connection, or the whole life of an open serial port or file. */
export interface TillSession {
  /** Bytes from the till readable, bytes to the till (printer status replies) writable. */
  readonly stream: Duplex;
  /** Human-readable origin, e.g. 'tcp 127.0.0.1:53122' or 'serial /dev/ttyS0'. */
  readonly peer: string;
  /**
   * True when the end of this session is a job boundary (a TCP connection closed by the till).
   * False for a serial port, where the line stays open across jobs.
   */
  readonly endIsJobBoundary: boolean;
}

/** Till-facing side: listens (TCP), opens (serial) or reads (file) and reports each session. */
export interface TillSide {
  readonly kind: string;
  /** Starts accepting; calls onSession for every session until stop() is called. */
  start(onSession: (session: TillSession) => void): Promise<void>;
  stop(): Promise<void>;
}

/** Printer-facing side: opens a byte pipe to the printer. */
export interface PrinterSide {
  readonly kind: string;
  /**
   * Opens a connection to the printer. Rejects when the printer is unreachable; the link decides when to
   * retry. For transports with a persistent line (serial, USB) the same underlying device may be reused.
   */
  open(): Promise<Duplex>;
  /**
   * Called once when the link starts, before any open(): a side that can tell now that its printer is missing
   * (no such device) says so here, in the log, instead of at the first job; a side with leftovers to tidy (a
   * crashed run's half-written job files) tidies them. Never rejects for a missing printer: it may be plugged
   * in later, and the link captures meanwhile.
   */
  start?(): Promise<void>;
  /** Releases anything held open between opens (a persistent serial port, a watcher). */
  close(): Promise<void>;
}

/** What a driver module exports, so config can name drivers and be validated once, at the edge. */
export interface DriverModule<Config> {
  readonly kind: string;
  readonly configSchema: z.ZodType<Config>;
  /** `logger` is the host's, already naming the link, driver and side; drivers never use a global logger. */
  createTillSide?(config: Config, logger: Logger): TillSide;
  createPrinterSide?(config: Config, logger: Logger): PrinterSide;
}
