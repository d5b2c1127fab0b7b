import { parseWebhookUrl } from 'src/webhooks/domain/webhook-url';

describe('parseWebhookUrl', () => {
  it('reads an https URL with a host name', () => {
    expect(parseWebhookUrl('https://Alerts.Example.co.uk/hooks?x=1')).toEqual({
      ok: true,
      target: { href: 'https://alerts.example.co.uk/hooks?x=1', hostname: 'alerts.example.co.uk', literalAddress: null },
    });
  });

  it.each([
    ['http://[::1]:8080/hook', '::1'],
    ['http://127.0.0.1/hook', '127.0.0.1'],
    // Other spellings of an IPv4 address come out dotted, so address checks cannot be dodged.
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0251.0376.0251.0376/', '169.254.169.254'],
  ])('reads %s as the literal address %s', (raw, address) => {
    const parsed = parseWebhookUrl(raw);
    expect(parsed.ok && parsed.target.literalAddress).toBe(address);
  });

  it.each([
    ['ftp://example.org/hook', 'url must use http or https'],
    ['file:///etc/passwd', 'url must use http or https'],
    ['javascript:alert(1)', 'url must use http or https'],
    ['example.org/hook', 'url must be an absolute http or https URL'],
    ['https://user:pass@example.org/', 'url must not contain a user name or password'],
    [`https://example.org/${'a'.repeat(2000)}`, 'url must be at most 2000 characters'],
  ])('refuses %s', (raw, message) => {
    expect(parseWebhookUrl(raw)).toEqual({ ok: false, message });
  });
});
