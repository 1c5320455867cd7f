import { BlockList, isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

export type EgressVerdict = 'allowed' | 'blocked' | 'private';

/** Never reachable: link-local, metadata services, unspecified, multicast, broadcast, reserved. */
const ALWAYS_BLOCKED_V4 = ['0.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32', '100.100.100.200/32', '192.0.0.192/32'];
const ALWAYS_BLOCKED_V6 = ['::/128', 'fe80::/10', 'ff00::/8', 'fd00:ec2::254/128'];

/** Reachable only when EGRESS_ALLOW_PRIVATE=true or listed in EGRESS_ALLOW_CIDRS. */
const PRIVATE_V4 = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
const PRIVATE_V6 = ['::1/128', 'fc00::/7'];

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.tencentyun.com',
]);

/**
 * Which upstream addresses the service may connect to (SSRF defence). Checked on every
 * address a name resolves to, at connect time, and on literal addresses at registration.
 */
@Injectable()
export class EgressPolicy {
  private readonly alwaysBlocked = blockList(ALWAYS_BLOCKED_V4, ALWAYS_BLOCKED_V6);
  private readonly privateRanges = blockList(PRIVATE_V4, PRIVATE_V6);
  private readonly allowed: BlockList;
  private readonly allowPrivate: boolean;

  constructor(config: AppConfig) {
    this.allowPrivate = config.egress.allowPrivate;
    this.allowed = blockList(
      config.egress.allowCidrs.filter((cidr) => isIP(cidr.split('/')[0]!) === 4),
      config.egress.allowCidrs.filter((cidr) => isIP(cidr.split('/')[0]!) === 6),
    );
  }

  /** The verdict for one IP address (IPv4-mapped IPv6 is judged as the IPv4 it maps). */
  checkAddress(address: string): EgressVerdict {
    const [ip, family] = normalizeAddress(address);
    if (!family) return 'blocked';
    if (this.alwaysBlocked.check(ip, family)) return 'blocked';
    if (!this.privateRanges.check(ip, family)) return 'allowed';
    return this.allowPrivate || this.allowed.check(ip, family) ? 'allowed' : 'private';
  }

  /** A host name that is refused before any lookup (metadata services). */
  isBlockedHostName(hostname: string): boolean {
    return METADATA_HOSTS.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /**
   * For registration: why this URL's host can never be reached, if it is a literal
   * address or a name that is refused outright; undefined when it may be (names that
   * resolve to blocked addresses are caught at connect time).
   */
  registrationProblem(url: URL): string | undefined {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.isBlockedHostName(host)) return `${host} is a cloud metadata service`;
    if (!isIP(host)) return undefined;
    const verdict = this.checkAddress(host);
    if (verdict === 'blocked') return `${host} is in a range that is never reachable`;
    if (verdict === 'private') return `${host} is a private or loopback address (set EGRESS_ALLOW_PRIVATE or EGRESS_ALLOW_CIDRS)`;
    return undefined;
  }
}

function blockList(v4: readonly string[], v6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) {
    const [ip, bits] = cidr.split('/');
    list.addSubnet(ip!, Number(bits), 'ipv4');
  }
  for (const cidr of v6) {
    const [ip, bits] = cidr.split('/');
    list.addSubnet(ip!, Number(bits), 'ipv6');
  }
  return list;
}

/** [address, family]; IPv4-mapped (::ffff:a.b.c.d, ::ffff:7f00:1) and IPv4-compatible forms become IPv4. */
export function normalizeAddress(address: string): [string, 'ipv4' | 'ipv6' | undefined] {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return [bare, 'ipv4'];
  if (family !== 6) return [bare, undefined];
  const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(?:0{0,4}:)?((?:\d{1,3}\.){3}\d{1,3})$/i.exec(bare)
    ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (mapped && mapped.length === 2) return [mapped[1]!, 'ipv4'];
  if (mapped && mapped.length === 3) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return [`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4'];
  }
  return [bare.toLowerCase(), 'ipv6'];
}
