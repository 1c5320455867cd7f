import { AppConfig } from '../config/app-config.js';
import { EgressPolicy, normalizeAddress } from './egress-policy.js';

const policy = (env: Record<string, string> = {}) =>
  new EgressPolicy(AppConfig.fromEnv({ DATA_DIR: '/tmp/rr-egress-spec', ...env }));

describe('EgressPolicy', () => {
  const strict = policy();

  it.each([
    ['169.254.169.254', 'blocked'],
    ['169.254.1.1', 'blocked'],
    ['fe80::1', 'blocked'],
    ['0.0.0.0', 'blocked'],
    ['::', 'blocked'],
    ['224.0.0.1', 'blocked'],
    ['ff02::1', 'blocked'],
    ['255.255.255.255', 'blocked'],
    ['100.100.100.200', 'blocked'],
    ['fd00:ec2::254', 'blocked'],
    ['::ffff:169.254.169.254', 'blocked'],
    ['127.0.0.1', 'private'],
    ['127.8.9.10', 'private'],
    ['::1', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:7f00:1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::1]', 'private'],
    ['8.8.8.8', 'allowed'],
    ['172.32.0.1', 'allowed'],
    ['2606:4700::1111', 'allowed'],
    ['not-an-ip', 'blocked'],
  ])('judges %s %s', (address, verdict) => {
    expect(strict.checkAddress(address)).toBe(verdict);
  });

  it('opens private ranges with EGRESS_ALLOW_PRIVATE but never the always-blocked ones', () => {
    const open = policy({ EGRESS_ALLOW_PRIVATE: 'true' });
    expect(open.checkAddress('127.0.0.1')).toBe('allowed');
    expect(open.checkAddress('::ffff:10.0.0.1')).toBe('allowed');
    expect(open.checkAddress('169.254.169.254')).toBe('blocked');
  });

  it('opens only the listed CIDRs with EGRESS_ALLOW_CIDRS', () => {
    const listed = policy({ EGRESS_ALLOW_CIDRS: '10.20.0.0/16, fd00:1::/32' });
    expect(listed.checkAddress('10.20.3.4')).toBe('allowed');
    expect(listed.checkAddress('10.21.3.4')).toBe('private');
    expect(listed.checkAddress('fd00:1::5')).toBe('allowed');
    expect(listed.checkAddress('127.0.0.1')).toBe('private');
  });

  it('refuses a bad CIDR at boot, naming the variable', () => {
    expect(() => policy({ EGRESS_ALLOW_CIDRS: '10.0.0.0/33' })).toThrow(/EGRESS_ALLOW_CIDRS/);
    expect(() => policy({ EGRESS_ALLOW_CIDRS: 'example.com/8' })).toThrow(/EGRESS_ALLOW_CIDRS/);
  });

  it.each([
    ['http://169.254.169.254/latest', /never reachable/],
    ['http://0x7f.1/', /private/],
    ['http://2130706433/', /private/],
    ['http://0177.0.0.1/', /private/],
    ['http://127.1/', /private/],
    ['http://[::ffff:127.0.0.1]/', /private/],
    ['http://metadata.google.internal/', /metadata/],
    ['http://METADATA.google.internal./', /metadata/],
  ])('refuses to register %s', (url, problem) => {
    expect(strict.registrationProblem(new URL(url))).toMatch(problem);
  });

  it('leaves names to the connect-time check and accepts public literals', () => {
    expect(strict.registrationProblem(new URL('http://localhost:8080'))).toBeUndefined();
    expect(strict.registrationProblem(new URL('https://8.8.8.8'))).toBeUndefined();
  });

  it('normalizes IPv4-mapped IPv6', () => {
    expect(normalizeAddress('::ffff:7f00:1')).toEqual(['127.0.0.1', 'ipv4']);
    expect(normalizeAddress('::FFFF:192.168.0.1')).toEqual(['192.168.0.1', 'ipv4']);
    expect(normalizeAddress('2001:db8::1')).toEqual(['2001:db8::1', 'ipv6']);
  });
});
