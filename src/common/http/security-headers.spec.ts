import { securityHeaders } from 'src/common/http/security-headers';

describe('securityHeaders', () => {
  it("works out helmet's headers once, with the API's content security policy", () => {
    const headers = securityHeaders();
    expect(headers['content-security-policy']).toContain(`default-src 'self'`);
    expect(headers['content-security-policy']).toContain(`img-src 'self' data:`);
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'strict-transport-security': expect.any(String) });
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(headers['x-powered-by']).toBeUndefined();
  });
});
