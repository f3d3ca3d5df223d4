// The sinks posbridge can forward to, by `kind`: each is a folder beside this file with its config schema and its
// sink. Adding a sink is one entry here.
import { z } from 'zod';
import type { Sink, SinkContext } from '../model/index.js';
import { httpSinkConfigSchema } from './http/config.js';
import { HttpSink } from './http/sink.js';
import { createNatsSink, natsSinkConfigSchema } from './nats/index.js';

export const sinkConfigSchema = z.discriminatedUnion('kind', [httpSinkConfigSchema, natsSinkConfigSchema]);

export type SinkConfig = z.output<typeof sinkConfigSchema>;

/** The name a sink is known by in the outbox: its own, or its kind. */
export function sinkName(config: SinkConfig): string {
  return config.name ?? config.kind;
}

/** Makes a sink from its validated config; a SinkConfigError when its files or environment are not right. */
export function createSink(config: SinkConfig, context: SinkContext): Sink {
  switch (config.kind) {
    case 'http':
      return new HttpSink(config, context);
    case 'nats':
      return createNatsSink(config, context);
  }
}
