import { DomainError } from '../errors/domain-error.js';
import { canonicalApiPath, canonicalEndpointUrl } from './url-canonicalization.js';

describe('canonicalEndpointUrl', () => {
  const equivalent: Array<[string, string]> = [
    ['HTTPS://Rerank.Example.COM:443/v1/', 'https://rerank.example.com/v1'],
    ['https://rerank.example.com/v1', 'https://rerank.example.com/v1/'],
    ['http://example.com:80/api', 'http://example.com/api'],
    ['https://example.com:8443/api', 'https://EXAMPLE.com:8443/api/'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com//v1///rerank//', 'https://example.com/v1/rerank'],
    ['https://example.com/v1#section', 'https://example.com/v1'],
    ['https://example.com/%7Euser/%61pi', 'https://example.com/~user/api'],
    ['https://example.com/a%2fb', 'https://example.com/a%2Fb'],
    ['https://example.com/v1?b=2&a=1', 'https://example.com/v1?a=1&b=2'],
    ['https://example.com/v1?', 'https://example.com/v1'],
    ['https://bücher.example/v1', 'https://xn--bcher-kva.example/v1'],
    ['https://example.com./v1', 'https://example.com/v1'],
    ['  https://example.com/v1  ', 'https://example.com/v1'],
    ['https://[2001:DB8::1]:443/v1', 'https://[2001:db8::1]/v1'],
    ['https://example.com', 'https://example.com/'],
    ['HTTP://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
  ];

  const different: Array<[string, string]> = [
    ['http://example.com/v1', 'https://example.com/v1'],
    ['https://example.com:8443/v1', 'https://example.com/v1'],
    ['https://example.com/v1', 'https://example.com/v2'],
    ['https://example.com/V1', 'https://example.com/v1'],
    ['https://example.com/v1?a=1', 'https://example.com/v1?a=2'],
    ['https://example.com/v1?a=1', 'https://example.com/v1'],
    ['https://api.example.com/v1', 'https://example.com/v1'],
    ['https://example.com/a%2Fb', 'https://example.com/a/b'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8081'],
  ];

  it.each(equivalent)('%s is the same endpoint as %s', (a, b) => {
    expect(canonicalEndpointUrl(a)).toBe(canonicalEndpointUrl(b));
  });

  it.each(different)('%s is not the same endpoint as %s', (a, b) => {
    expect(canonicalEndpointUrl(a)).not.toBe(canonicalEndpointUrl(b));
  });

  it('produces the documented stored form', () => {
    expect(canonicalEndpointUrl('HTTPS://Rerank.Example.COM:443/v1/')).toBe('https://rerank.example.com/v1');
    expect(canonicalEndpointUrl('https://example.com/v1?z=1&a=2#x')).toBe('https://example.com/v1?a=2&z=1');
  });

  it.each([
    ['ftp://example.com/v1', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /not a valid URL/],
    ['https://user:pass@example.com/v1', /user info/],
    ['https://token@example.com/v1', /user info/],
    [`https://example.com/${'a'.repeat(2100)}`, /longer than/],
  ])('refuses %s', (raw, problem) => {
    expect(() => canonicalEndpointUrl(raw)).toThrow(DomainError);
    expect(() => canonicalEndpointUrl(raw)).toThrow(problem);
  });
});

describe('canonicalApiPath', () => {
  it.each([
    ['rerank', '/rerank'],
    ['/rerank/', '/rerank'],
    ['//v1//rerank', '/v1/rerank'],
    ['/v1/./x/../rerank', '/v1/rerank'],
    ['/', '/'],
    ['/v2/%72erank', '/v2/rerank'],
  ])('%s becomes %s', (raw, canonical) => {
    expect(canonicalApiPath(raw)).toBe(canonical);
  });

  it.each(['', '   ', '/rerank?x=1', '/rerank#frag', '/re rank'])('refuses %j', (raw) => {
    expect(() => canonicalApiPath(raw)).toThrow(DomainError);
  });
});
