/** One outbound POST of an event sink: bounded time, no redirects, a capped answer. */

export interface PostResult {
  status: number;
  /** The first bytes of the answer (at most 64 KiB), as text. */
  body: string;
}

const MAX_ANSWER = 64 * 1024;

/** POSTs `body`; rejects on a network error or timeout, resolves with any HTTP status. */
export async function postOnce(url: string, body: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<PostResult> {
  const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size < MAX_ANSWER) chunks.push(value.subarray(0, MAX_ANSWER - size));
      size += value.length;
      if (size >= MAX_ANSWER) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  }
  return { status: res.status, body: Buffer.concat(chunks).toString('utf8') };
}

/** A short, log-safe description of an unexpected answer. */
export function describeAnswer(r: PostResult): string {
  const text = r.body.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
  return `HTTP ${r.status}${text ? `: ${text}` : ''}`;
}
