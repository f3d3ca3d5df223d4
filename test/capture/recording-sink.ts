// A CaptureSink that records what the tap saw per session, for link tests that look at capture in-process.
import type { CaptureSink, SessionInfo, SessionTap } from '../../agent/capture/types.js';

export interface RecordedSession {
  info: SessionInfo;
  chunks: Buffer[];
  ended: 'session-end' | 'shutdown' | undefined;
  readonly bytes: Buffer;
}

export class RecordingSink implements CaptureSink {
  readonly sessions: RecordedSession[] = [];

  openSession(info: SessionInfo): SessionTap {
    const session: RecordedSession = {
      info,
      chunks: [],
      ended: undefined,
      get bytes() {
        return Buffer.concat(this.chunks);
      },
    };
    this.sessions.push(session);
    return {
      bytes: (chunk) => session.chunks.push(chunk),
      end: (reason) => {
        session.ended ??= reason;
      },
    };
  }
}
