import { canonicalApiPath, canonicalDecimal, canonicalEndpointUrl, canonicalUrl } from './canonical.js';

describe('canonical forms for comparing a manifest with what the server stores', () => {
  it('compares endpoint URLs and paths as the server stores them, and leaves what it refuses as written', () => {
    expect(canonicalEndpointUrl('HTTPS://API.Cohere.com:443//v2/?b=2&a=1')).toBe('https://api.cohere.com/v2?a=1&b=2');
    expect(canonicalEndpointUrl('ftp://x')).toBe('ftp://x');
    expect(canonicalApiPath('v2//rerank/')).toBe('/v2/rerank');
    expect(canonicalUrl(' https://status.example.com ')).toBe('https://status.example.com/');
  });

  it('compares rates without redundant zeros, numbers and strings alike', () => {
    expect(canonicalDecimal('0.0020')).toBe('0.002');
    expect(canonicalDecimal(0.002)).toBe('0.002');
    expect(canonicalDecimal(1e-7)).toBe('0.0000001');
    expect(canonicalDecimal('007')).toBe('7');
    expect(canonicalDecimal(250)).toBe('250');
  });
});
