// What a failed publish means for its delivery. The rule: only the stream saying the message itself can never be
// stored (too large for the stream or the server) sets it aside; everything else (no ack in time, nobody
// listening on the subject, a connection lost, a stream that is full or misplaced) may pass, so it is retried.
import { errors, RequestError } from '@nats-io/transport-node';
import { JetStreamApiError } from '@nats-io/jetstream';
import type { DeliveryResult } from '../../model/index.js';

/** JetStream API error code for "message size exceeds maximum allowed" (the stream's max_msg_size). */
export const JS_MESSAGE_TOO_LARGE = 10054;

/** No stream captures the subject, or the one that does has no leader yet (an election after a node loss). */
export const NO_RESPONDERS = 'no JetStream stream answered on the subject (no responders: none captures it, or it is electing a leader)';

function retry(reason: string): DeliveryResult {
  return { outcome: 'retry', reason };
}

/** The result for a publish that threw (or was rejected); never throws itself. */
export function resultForPublishError(error: unknown, ackTimeoutMs: number): DeliveryResult {
  if (error instanceof JetStreamApiError) {
    if (error.code === JS_MESSAGE_TOO_LARGE) return { outcome: 'rejected', reason: `the stream refuses the message as too large: ${error.message}` };
    return retry(`the stream refused the message (JetStream error ${error.code}): ${error.message}`);
  }
  if (error instanceof errors.InvalidArgumentError && /max_payload/.test(error.message)) {
    return { outcome: 'rejected', reason: "the message is larger than the server's max_payload" };
  }
  if (error instanceof errors.TimeoutError) return retry(`no publish ack within ${ackTimeoutMs} ms`);
  if (isNoResponders(error)) return retry(NO_RESPONDERS);
  if (error instanceof errors.ClosedConnectionError || error instanceof errors.DrainingConnectionError) return retry('the NATS connection was closed');
  if (error instanceof Error) return retry(`publish failed: ${error.message}`);
  return retry(`publish failed: ${String(error)}`);
}

function isNoResponders(error: unknown): boolean {
  // The JetStream client wraps a no-responders reply in JetStreamNotEnabled; the cause says which it was.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof errors.NoRespondersError) return true;
    if (e instanceof RequestError && e.isNoResponders()) return true;
  }
  return false;
}
