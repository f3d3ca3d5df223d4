import { z } from 'zod';

export const tcpConfigSchema = z
  .strictObject({
    kind: z.literal('tcp'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Till side: address to listen on. Printer side: the network printer. Default 127.0.0.1.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9100)
      .describe('Till side: port to listen on (0 picks a free one). Printer side: printer port. Default 9100 (raw/JetDirect).'),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .default(8)
      .describe(
        'Till side: connections served at once. When all are in use, a new one closes the connection idle longest (see evictIdleAfterMs); if none is idle it is refused with a reset, and logged. Default 8.',
      ),
    keepAliveMs: z
      .number()
      .int()
      .min(0)
      .default(30_000)
      .describe('TCP keepalive initial delay so a vanished peer is noticed; 0 turns keepalive off. Default 30000.'),
    idleTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe(
        'Till side: close a connection with no traffic for this long (never while it waits for the printer); 0 never does. Default 60000.',
      ),
    evictIdleAfterMs: z
      .number()
      .int()
      .min(0)
      .default(1_000)
      .describe(
        'Till side: with all maxConnections in use, a connection silent for at least this long (and not waiting for the printer) is closed to serve a new till. Default 1000.',
      ),
    connectTimeoutMs: z
      .number()
      .int()
      .min(1)
      .default(5_000)
      .describe('Printer side: give up connecting after this long. Default 5000.'),
  })
  .describe('Raw TCP (port 9100): listen as a network printer for the till, or connect to a network printer.');

export type TcpConfig = z.output<typeof tcpConfigSchema>;
