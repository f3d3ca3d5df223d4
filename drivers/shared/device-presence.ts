// Notices a device whose path vanished or now names another device, even when no read or write failed.
// Needed because a hung-up terminal (a pty whose other end closed, a USB-serial adapter pulled out) reads
// as endless zero-length reads rather than an error, and node-serialport then spins instead of reporting
// a disconnect. Checking the path is cheap and tells both apart from "nothing to read".
import { stat } from 'node:fs/promises';
import { errorCode } from './errors.js';

interface DeviceIdentity {
  rdev: number;
  ino: number;
}

/**
 * Starts checking every intervalMs that `path` still leads to the device it led to now, and calls onGone
 * once (with an ENODEV error) when it does not. Returns the function that stops checking. Paths that
 * cannot be stat'ed at the start (COM3 on Windows) are not watched.
 */
export async function watchDevicePresence(path: string, intervalMs: number, onGone: (error: Error) => void): Promise<() => void> {
  const initial = await identify(path).catch(() => undefined);
  if (!initial) return () => undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    let now: DeviceIdentity | undefined;
    try {
      now = await identify(path);
    } catch {
      // Cannot tell right now (a permission hiccup): assume unchanged and look again later.
      now = initial;
    }
    if (stopped) return;
    if (!now || now.rdev !== initial.rdev || now.ino !== initial.ino) {
      stopped = true;
      onGone(Object.assign(new Error(`${path} vanished or now names another device`), { code: 'ENODEV' }));
      return;
    }
    timer = setTimeout(() => void check(), intervalMs);
  };
  timer = setTimeout(() => void check(), intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function identify(path: string): Promise<DeviceIdentity | undefined> {
  try {
    const { rdev, ino } = await stat(path);
    return { rdev, ino };
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}
