/**
 * Posts a notification to a chat incoming webhook in the shape Slack and Microsoft Teams accept:
 * POST JSON {"text": "..."}. The URL is the channel's secret (whoever has it can post), so errors
 * name only its host. The host policy that checked the URL when it was saved is checked again here,
 * where it is resolved, so a name that has come to point inside the network is refused; redirects
 * are not followed (they could lead anywhere).
 */
import { checkVendorUrl, type VendorHostPolicy } from '../config/vendor-hosts.ts';

const TIMEOUT_MS = 15_000;

export class WebhookError extends Error {}

export async function sendWebhook(url: string, text: string, policy: VendorHostPolicy): Promise<void> {
  const host = new URL(url).host;
  const checked = await checkVendorUrl(url, policy);
  if (!checked.ok) throw new WebhookError(`the webhook was not called: ${checked.message}`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new WebhookError(`the webhook at ${host} could not be reached: ${why}`);
  }
  const body = (await response.text().catch(() => '')).slice(0, 200);
  if (response.status < 200 || response.status >= 300) {
    throw new WebhookError(`the webhook at ${host} answered ${response.status}${body === '' ? '' : `: ${body}`}`);
  }
}
