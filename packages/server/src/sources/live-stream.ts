import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '@tandem/contract';

/** Why a stream was ended by the server, sent as its last `event: error` message. */
export interface StreamEnd {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * One server-sent-events response. Writes never queue without bound: past `bufferBytes` waiting
 * for the client (Node's buffer and the socket's), the stream ends with an error message.
 */
export class LiveStream {
  private ended = false;
  private slow = false;
  private latestChunkBytes = 0;
  private readonly endListeners = new Set<() => void>();

  constructor(
    private readonly response: ServerResponse,
    private readonly options: { readonly bufferBytes: number; readonly closeGraceMs: number },
  ) {
    response.once('close', () => this.finish());
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Whether the stream ended because its client fell more than the bound behind. */
  get droppedAsSlow(): boolean {
    return this.slow;
  }

  /** Bytes written but not yet taken by the client. */
  get waitingBytes(): number {
    return this.response.writableLength;
  }

  /**
   * Writes a chunk, or ends the stream when more than the bound written before the latest chunk
   * is still waiting for the client: a burst (one large chunk after a pause) is given the time
   * to drain, a client that stopped reading is not. At most the bound and two chunks are held
   * for it, and chunks are shared by every stream of a source.
   */
  send(chunk: Buffer | string): void {
    if (this.ended) return;
    if (this.response.writableLength - this.latestChunkBytes > this.options.bufferBytes) {
      this.slow = true;
      this.end({
        code: 'overloaded',
        message: `The client read too slowly: more than ${this.options.bufferBytes} bytes were waiting for it (TANDEM_LIVE_STREAM_BUFFER_BYTES). Reconnect to follow again.`,
      });
      return;
    }
    this.response.write(chunk);
    this.latestChunkBytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }

  /** Ends the response, first telling the client why when a reason is given. */
  end(reason?: StreamEnd): void {
    if (this.ended) return;
    if (reason) this.response.write(`event: error\ndata: ${JSON.stringify(reason)}\n\n`);
    this.response.end();
    this.finish();
    // A client that never reads would keep the socket and its buffered bytes: cut it after a grace.
    if (!this.response.writableFinished) {
      const cut = setTimeout(() => this.response.destroy(), this.options.closeGraceMs);
      cut.unref();
      this.response.once('close', () => clearTimeout(cut));
    }
  }

  /** Calls `listener` once the stream is over, whoever ended it. */
  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.add(listener);
  }

  private finish(): void {
    this.ended = true;
    const listeners = [...this.endListeners];
    this.endListeners.clear();
    for (const listener of listeners) listener();
  }
}
