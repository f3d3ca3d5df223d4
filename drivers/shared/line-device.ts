// A "line" is a device that stays put between jobs: a serial port or a USB printer's character device.
// Drivers provide a function that opens their device once; the shared code keeps it open, reopens it after
// it vanishes, and hands it out as streams.

/** One successful open of the device. After onLost it is dead: the line opens a new one. */
export interface LineDevice {
  /** Writes the whole chunk; `done` is called once the OS took it, or with the error that stopped it. */
  write(chunk: Buffer, done: (error?: Error | null) => void): void;
  /** Stop delivering data until resume() (back-pressure from a slow reader). */
  pause(): void;
  resume(): void;
  /** Releases the device. Safe to call after a loss. */
  close(): Promise<void>;
}

export interface LineEvents {
  onData(chunk: Buffer): void;
  /** The device went away (unplugged, hung up, I/O error). Called at most once per device. */
  onLost(error: Error): void;
}

/** Opens the device once; rejects when it is absent or unusable (the line retries with backoff). */
export type OpenLineDevice = (events: LineEvents) => Promise<LineDevice>;
