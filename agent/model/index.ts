// Shared types of the pipeline, in one place so that no stage imports another stage's internals for them.
export type * from './delivery.js';
export * from './receipts-api.js';
export * from './events.js';
export type * from './status.js';
export type * from './logger.js';
export type * from './stream-decoder.js';
