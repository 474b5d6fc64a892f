import { performance } from 'node:perf_hooks';
import { SIGNATURE_HEADER } from './webhook-envelope';

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * One POST of a signed body. Success is any 2xx within the timeout. Redirects are never
 * followed (a 3xx is a failure): the target was validated, where it redirects to was not.
 */
export async function postWebhook(
  url: string,
  body: string,
  signature: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'voucher-platform-webhooks/1',
        [SIGNATURE_HEADER]: signature,
      },
    });
    // The receiver's body is not needed; release the connection without reading it.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    let error: string | null = null;
    if (!ok)
      error =
        response.status >= 300 && response.status < 400
          ? `redirect (HTTP ${response.status}) not followed`
          : `HTTP ${response.status}`;
    return { ok, status: response.status, error, durationMs: elapsed() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `timed out after ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: null, error: String(error).slice(0, 500), durationMs: elapsed() };
  }
}
