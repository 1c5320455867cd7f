import { AppConfig } from '../config/app-config.js';
import { EgressPolicy, embeddedIPv4, parseAddress } from './egress-policy.js';

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

  it('reads the embedded IPv4 address of every embedding form', () => {
    const embedded = (address: string) => embeddedIPv4(parseAddress(address) as import('ipaddr.js').IPv6).map(String);
    expect(embedded('::ffff:7f00:1')).toEqual(['127.0.0.1']);
    expect(embedded('::ffff:0:a9fe:a9fe')).toEqual(['169.254.169.254']);
    expect(embedded('::10.0.0.1')).toEqual(['10.0.0.1']);
    expect(embedded('64:ff9b::a9fe:a9fe')).toEqual(['169.254.169.254']);
    expect(embedded('2002:a00:1::')).toEqual(['10.0.0.1']);
    expect(embedded('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toEqual(['65.54.227.120', '192.0.2.45']);
    expect(embedded('64:ff9b:1:7f00:0:100::')).toContain('127.0.0.1');
    expect(embedded('::1')).toEqual([]);
    expect(embedded('2606:4700::1111')).toEqual([]);
  });

  describe('refuses every special-purpose and embedding form the hardening issue found accepted (issue 9 item 10)', () => {
    it.each([
      // NAT64 well-known prefix (RFC 6052) and local-use prefix (RFC 8215) to metadata, loopback, private
      ['64:ff9b::a9fe:a9fe', 'blocked'],
      ['64:ff9b::169.254.169.254', 'blocked'],
      ['64:ff9b::7f00:1', 'private'],
      ['64:ff9b::10.0.0.1', 'private'],
      ['64:ff9b:1::a9fe:a9fe', 'blocked'],
      ['64:ff9b:1:a9fe:a9:fe00::', 'blocked'],
      ['64:ff9b:1:7f00:0:100::', 'blocked'], // loopback in the /48 layout, 0.x in the others
      // 6to4 (RFC 3056): the IPv4 address is bits 16-48
      ['2002:a9fe:a9fe::', 'blocked'],
      ['2002:7f00:1::1', 'private'],
      ['2002:c0a8:101::', 'private'],
      // IPv4-compatible (deprecated ::/96)
      ['::169.254.169.254', 'blocked'],
      ['::127.0.0.1', 'private'],
      ['::a9fe:a9fe', 'blocked'],
      ['::10.0.0.1', 'private'],
      // SIIT ::ffff:0:0:0/96 (RFC 6145)
      ['::ffff:0:169.254.169.254', 'blocked'],
      ['::ffff:0:127.0.0.1', 'private'],
      ['::ffff:0:7f00:1', 'private'],
      // Teredo (RFC 4380): server in bits 32-64, client is the last 32 bits inverted
      ['2001:0:a9fe:a9fe::', 'blocked'],
      ['2001:0:808:808::80ff:fffe', 'private'],
      ['2001:0:808:808:0:0:5601:5601', 'blocked'],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'blocked'],
      // deprecated site-local, benchmarking, documentation and the rest of IANA's registries
      ['fec0::1', 'private'],
      ['198.18.0.1', 'private'],
      ['198.19.255.255', 'private'],
      ['2001:2::1', 'private'],
      ['192.0.0.8', 'blocked'],
      ['192.0.0.170', 'blocked'],
      ['192.0.0.192', 'blocked'],
      ['192.0.2.1', 'blocked'],
      ['198.51.100.7', 'blocked'],
      ['203.0.113.9', 'blocked'],
      ['192.88.99.1', 'blocked'],
      ['192.31.196.1', 'blocked'],
      ['192.52.193.1', 'blocked'],
      ['192.175.48.1', 'blocked'],
      ['240.0.0.1', 'blocked'],
      ['0.1.2.3', 'blocked'],
      ['100::1', 'blocked'],
      ['100:0:0:1::1', 'blocked'],
      ['2001:db8::1', 'blocked'],
      ['2001:10::1', 'blocked'],
      ['2001:20::1', 'blocked'],
      ['2001:3::1', 'blocked'],
      ['2001:4:112::1', 'blocked'],
      ['2620:4f:8000::1', 'blocked'],
      ['3fff::1', 'blocked'],
      ['5f00::1', 'blocked'],
      ['4000::1', 'blocked'],
      ['1::1', 'blocked'],
      ['fe80::1%eth0', 'blocked'],
    ])('judges %s %s', (address, verdict) => {
      expect(strict.checkAddress(address)).toBe(verdict);
    });
  });

  it.each([
    ['64:ff9b::808:808', 'allowed'],
    ['2002:808:808::1', 'allowed'],
    ['2001:0:808:808::f7f7:f7f7', 'allowed'],
    ['2600:1f18::1', 'allowed'],
  ])('lets through an embedding of a public address: %s %s', (address, verdict) => {
    expect(strict.checkAddress(address)).toBe(verdict);
  });

  it('opens embedded private addresses with the same switches as plain ones, never blocked ones', () => {
    const open = policy({ EGRESS_ALLOW_PRIVATE: 'true' });
    expect(open.checkAddress('64:ff9b::7f00:1')).toBe('allowed');
    expect(open.checkAddress('2002:a9fe:a9fe::')).toBe('blocked');
    const listed = policy({ EGRESS_ALLOW_CIDRS: '10.20.0.0/16, 64:ff9b::/96' });
    expect(listed.checkAddress('2002:a14:304::')).toBe('allowed');
    expect(listed.checkAddress('64:ff9b::7f00:1')).toBe('allowed');
    expect(listed.checkAddress('64:ff9b::a9fe:a9fe')).toBe('blocked');
    expect(listed.checkAddress('2002:7f00:1::')).toBe('private');
  });
});
