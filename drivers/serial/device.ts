// Opens a serial port once as a line device, via node-serialport.
import { SerialPort } from 'serialport';
import { watchDevicePresence } from '../shared/device-presence.js';
import type { LineDevice, LineEvents, OpenLineDevice } from '../shared/line-device.js';
import type { SerialConfig } from './config.js';

export function serialDeviceOpener(config: SerialConfig): OpenLineDevice {
  return (events) => openSerialDevice(config, events);
}

async function openSerialDevice(config: SerialConfig, events: LineEvents): Promise<LineDevice> {
  const port = new SerialPort({
    path: config.path,
    baudRate: config.baudRate,
    dataBits: config.dataBits,
    stopBits: config.stopBits,
    parity: config.parity,
    rtscts: config.rtscts,
    xon: config.xon,
    xoff: config.xoff,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));

  let closing = false;
  let lost = false;
  const loseOnce = (error: Error): void => {
    if (closing || lost) return;
    lost = true;
    events.onLost(error);
  };
  port.on('data', events.onData);
  // node-serialport reports a vanished port as 'close' with a DisconnectedError (read/write EIO, ENXIO...).
  port.on('close', (error: Error | null) => loseOnce(error ?? new Error('port closed')));
  port.on('error', loseOnce);
  // The line closes a lost device, which also ends node-serialport's read loop spinning on a hung-up line.
  const stopWatching = await watchDevicePresence(config.path, config.presenceCheckMs, loseOnce);

  return {
    write: (chunk, done) => {
      port.write(chunk, (error) => done(error ?? null));
    },
    pause: () => port.pause(),
    resume: () => port.resume(),
    close: async () => {
      closing = true;
      stopWatching();
      if (port.isOpen) {
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
      port.removeAllListeners('data');
      port.destroy();
    },
  };
}
