// The sinks posbridge can forward to, by `kind`: each is a folder beside this file with its config schema and its
// sink. Adding a sink is one entry here and one in sink-config.ts (its config).
import type { Sink, SinkContext } from '../model/index.js';
import { HttpSink } from './http/sink.js';
import { createNatsSink } from './nats/index.js';
import type { SinkConfig } from './sink-config.js';

export { sinkConfigSchema, sinkName, type SinkConfig } from './sink-config.js';

/** Makes a sink from its validated config; a SinkConfigError when its files or environment are not right. */
export function createSink(config: SinkConfig, context: SinkContext): Sink {
  switch (config.kind) {
    case 'http':
      return new HttpSink(config, context);
    case 'nats':
      return createNatsSink(config, context);
  }
}
