// The NATS JetStream sink (see sink.ts): its config schema for the agent's config, and its factory for the forwarder.
export { natsSinkConfigSchema, type NatsSinkConfig, type NatsSinkConfigInput } from './config.js';
export { NatsCredentialsError } from './credentials.js';
export { natsReceiptMessageSchema, type NatsReceiptMessage } from './message.js';
export { createNatsSink, NatsSink } from './sink.js';
