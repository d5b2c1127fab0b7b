import { isIP } from 'node:net';

export const WEBHOOK_URL_MAX_LENGTH = 2000;

export interface WebhookTarget {
  /** The URL as it will be called (normalised by the WHATWG URL parser). */
  href: string;
  /** The host name to resolve, or null when the URL names an IP address. */
  hostname: string | null;
  /** The IP address the URL names literally (brackets removed), or null for a host name. */
  literalAddress: string | null;
}

export type ParsedWebhookUrl = { ok: true; target: WebhookTarget } | { ok: false; message: string };

/**
 * Reads a subscriber's URL: http or https only, no credentials, at most 2,000 characters. The WHATWG
 * parser also turns the odd ways of writing an IPv4 address (`http://2130706433/`, `http://0x7f.1/`)
 * into dotted form, so address checks see what a client would connect to.
 */
export function parseWebhookUrl(raw: string): ParsedWebhookUrl {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return { ok: false, message: `url must be at most ${WEBHOOK_URL_MAX_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'url must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'url must use http or https' };
  if (url.username || url.password) return { ok: false, message: 'url must not contain a user name or password' };
  if (!url.hostname) return { ok: false, message: 'url must name a host' };
  if (url.href.length > WEBHOOK_URL_MAX_LENGTH) return { ok: false, message: `url must be at most ${WEBHOOK_URL_MAX_LENGTH} characters` };
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(bare) !== 0;
  return { ok: true, target: { href: url.href, hostname: literal ? null : bare, literalAddress: literal ? bare : null } };
}
