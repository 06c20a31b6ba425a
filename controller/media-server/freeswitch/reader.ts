import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type ParserType from 'modesl/lib/esl/Parser.js';
import { HotlineError } from '../../../lib/errors.js';

/**
 * One ESL message as it came off the wire. For events (`text/event-plain`, `text/event-json`)
 * `headers` are the event's own headers, already URL-decoded, and `body` the event's body (a
 * BACKGROUND_JOB's result); for replies they are the frame's headers and body.
 */
export interface EslMessage {
  contentType: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

// modesl is CommonJS without types; its parser is the part of the library we use (see connection.ts).
const Parser = createRequire(import.meta.url)('modesl/lib/esl/Parser.js') as typeof ParserType;

/** A frame whose headers or body would exceed this is an attack or a broken peer, not FreeSWITCH. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * The ESL reader: bytes in, messages out, however the bytes were split into packets. Framing is
 * modesl's parser (header block, blank line, then exactly Content-Length bytes, as
 * mod_event_socket writes them); this wrapper owns what it lacks: a size limit, and a malformed
 * frame becoming a typed MEDIA_PROTOCOL error instead of an exception thrown out of a socket
 * callback (its URL-decoding throws on a stray '%').
 */
export class EslReader {
  private readonly source = new EventEmitter();
  private readonly parser: ParserType;
  private broken: HotlineError | undefined;

  constructor(
    private readonly onMessage: (message: EslMessage) => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    this.parser = new Parser(this.source);
    this.parser.on('esl::event', (event, outer) => {
      const headers: Record<string, string> = {};
      for (const h of event.headers) headers[h.name] = String(h.value);
      const contentType = String(outer['Content-Type'] ?? '');
      const isEvent = contentType.startsWith('text/event-');
      this.onMessage({
        contentType,
        headers,
        body: isEvent ? event.getBody() : String(event.getBody() ?? ''),
      });
    });
    // A text/event-json body that is not JSON: modesl reports it here and still emits the frame.
    this.parser.on('error', (err) => {
      this.broken ??= new HotlineError(
        'MEDIA_PROTOCOL',
        `ESL: unreadable event body (${String(err)})`,
        { cause: err },
      );
    });
  }

  /** Feeds bytes; throws MEDIA_PROTOCOL once the stream cannot be read any further. */
  push(chunk: Buffer): void {
    if (this.broken) throw this.broken;
    try {
      this.source.emit('data', chunk);
    } catch (err) {
      this.broken = new HotlineError(
        'MEDIA_PROTOCOL',
        `ESL: malformed frame (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
    if (
      !this.broken &&
      (this.parser.buffer.length > this.maxFrameBytes || this.parser.bodyLen > this.maxFrameBytes)
    ) {
      this.broken = new HotlineError(
        'MEDIA_PROTOCOL',
        `ESL: frame larger than ${this.maxFrameBytes} bytes`,
      );
    }
    if (this.broken) throw this.broken;
  }
}
