// The driver registry: config names a driver by `kind`; this is the one place that maps kinds to modules
// and validates a driver's options, so everything past this point can trust them.
import { z } from 'zod';
import { fileConfigSchema, fileDriver } from './file/index.js';
import { noneConfigSchema, noneDriver } from './none/index.js';
import { serialConfigSchema, serialDriver } from './serial/index.js';
import { tcpConfigSchema, tcpDriver } from './tcp/index.js';
import type { Logger } from '../agent/model/index.js';
import type { DriverModule, PrinterSide, TillSide } from './types.js';
import { usbConfigSchema, usbDriver } from './usb/index.js';

/** Every driver's config, told apart by `kind`. Compose it into larger config schemas. */
export const driverConfigSchema = z.discriminatedUnion('kind', [
  tcpConfigSchema,
  serialConfigSchema,
  usbConfigSchema,
  fileConfigSchema,
  noneConfigSchema,
]);

export type DriverConfig = z.output<typeof driverConfigSchema>;
export type DriverKind = DriverConfig['kind'];

type ModuleFor<K extends DriverKind> = DriverModule<Extract<DriverConfig, { kind: K }>>;

export const drivers: { readonly [K in DriverKind]: ModuleFor<K> } = {
  tcp: tcpDriver,
  serial: serialDriver,
  usb: usbDriver,
  file: fileDriver,
  none: noneDriver,
};

export const driverKinds = Object.keys(drivers) as DriverKind[];

export class DriverConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverConfigError';
  }
}

/**
 * Validates a raw `{ kind, ...options }` object (from YAML, CLI flags) and fills in defaults.
 * Throws DriverConfigError naming the driver and every offending option.
 */
export function parseDriverConfig(raw: unknown, where = 'driver'): DriverConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DriverConfigError(`${where}: expected an object with a "kind" (one of ${driverKinds.join(', ')})`);
  }
  const kind = (raw as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(driverKinds as string[]).includes(kind)) {
    throw new DriverConfigError(
      `${where}: unknown kind ${JSON.stringify(kind)}; expected one of ${driverKinds.join(', ')}`,
    );
  }
  const result = driverConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new DriverConfigError(`${where}: invalid ${kind} options:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The till-facing side for a validated config, logging through `logger`; throws if that driver cannot face a till. */
export function createTillSide(config: DriverConfig, logger: Logger): TillSide {
  const module = drivers[config.kind] as DriverModule<DriverConfig>;
  if (!module.createTillSide) {
    throw new DriverConfigError(`driver "${config.kind}" cannot face the till (printer side only)`);
  }
  return module.createTillSide(config, logger.child({ driver: config.kind, side: 'till' }));
}

/** The printer-facing side for a validated config, logging through `logger`; throws if that driver cannot face a printer. */
export function createPrinterSide(config: DriverConfig, logger: Logger): PrinterSide {
  const module = drivers[config.kind] as DriverModule<DriverConfig>;
  if (!module.createPrinterSide) {
    throw new DriverConfigError(`driver "${config.kind}" cannot face the printer`);
  }
  return module.createPrinterSide(config, logger.child({ driver: config.kind, side: 'printer' }));
}
