import { type DemoCall, demoCalls } from './demo-workspace.js';

const BATCH_SIZE = 500;

export interface SendDemoOptions {
  readonly url: string;
  readonly writeKey: string;
  readonly people: number;
  readonly seed: number;
  readonly onProgress?: (sent: number) => void;
}

/** Sends the demo workspace through the public Tracking API, as any SDK would. */
export async function sendDemo(options: SendDemoOptions): Promise<{ sent: number; rejected: number }> {
  const authorization = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  let batch: DemoCall[] = [];
  let sent = 0;
  let rejected = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    for (;;) {
      const response = await fetch(`${options.url.replace(/\/$/, '')}/v1/batch`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
      });
      if (response.status === 429) {
        await new Promise((resolve) =>
          setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000),
        );
        continue;
      }
      if (!response.ok) throw new Error(`Tracking API answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as { rejected?: unknown[] };
      rejected += body.rejected?.length ?? 0;
      break;
    }
    sent += batch.length;
    batch = [];
    options.onProgress?.(sent);
  };
  for (const call of demoCalls({ people: options.people, seed: options.seed })) {
    batch.push(call);
    if (batch.length >= BATCH_SIZE) await flush();
  }
  await flush();
  return { sent, rejected };
}
