import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { AppConfig } from '../config/app-config.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Address = IPv4 | IPv6;
type Cidr = [Address, number];

export type EgressVerdict = 'allowed' | 'blocked' | 'private';

/** public: reachable; private: only when opened by configuration; blocked: never. */
type AddressClass = 'public' | 'private' | 'blocked';

/**
 * IANA's IPv4 special-purpose registry, the address architecture's other non-unicast
 * blocks, and metadata addresses. The longest matching prefix decides; no match is public.
 */
const IPV4_CLASSES: ReadonlyArray<readonly [string, AddressClass]> = [
  ['0.0.0.0/8', 'blocked'], // "this network" (RFC 791)
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'private'], // shared address space, carrier-grade NAT (RFC 6598)
  ['100.100.100.200/32', 'blocked'], // Alibaba Cloud metadata
  ['127.0.0.0/8', 'private'], // loopback
  ['169.254.0.0/16', 'blocked'], // link-local: cloud metadata (RFC 3927)
  ['172.16.0.0/12', 'private'], // RFC 1918
  ['192.0.0.0/24', 'blocked'], // IETF protocol assignments: NAT64 discovery, Oracle metadata 192.0.0.192 (RFC 6890)
  ['192.0.2.0/24', 'blocked'], // documentation TEST-NET-1 (RFC 5737)
  ['192.31.196.0/24', 'blocked'], // AS112-v4 (RFC 7535)
  ['192.52.193.0/24', 'blocked'], // AMT (RFC 7450)
  ['192.88.99.0/24', 'blocked'], // deprecated 6to4 relay anycast (RFC 7526)
  ['192.168.0.0/16', 'private'], // RFC 1918
  ['192.175.48.0/24', 'blocked'], // AS112 direct delegation (RFC 7534)
  ['198.18.0.0/15', 'private'], // benchmarking (RFC 2544): lab networks, like private ones
  ['198.51.100.0/24', 'blocked'], // documentation TEST-NET-2
  ['203.0.113.0/24', 'blocked'], // documentation TEST-NET-3
  ['224.0.0.0/4', 'blocked'], // multicast
  ['240.0.0.0/4', 'blocked'], // reserved (RFC 1112)
  ['255.255.255.255/32', 'blocked'], // limited broadcast
];

/**
 * IANA's IPv6 special-purpose registry and address architecture. Only global unicast
 * (2000::/3) is public; anything unassigned is blocked. Ranges that embed an IPv4
 * address are judged by that address before this table is consulted.
 */
const IPV6_CLASSES: ReadonlyArray<readonly [string, AddressClass]> = [
  ['::/128', 'blocked'], // unspecified
  ['::1/128', 'private'], // loopback
  ['100::/64', 'blocked'], // discard-only (RFC 6666)
  ['100:0:0:1::/64', 'blocked'], // dummy prefix (RFC 9780)
  ['2000::/3', 'public'], // global unicast
  ['2001::/23', 'blocked'], // IETF protocol assignments (RFC 2928)
  ['2001:2::/48', 'private'], // benchmarking (RFC 5180)
  ['2001:db8::/32', 'blocked'], // documentation (RFC 3849)
  ['2001:10::/28', 'blocked'], // deprecated ORCHID (RFC 4843)
  ['2620:4f:8000::/48', 'blocked'], // AS112 direct delegation (RFC 7534)
  ['3fff::/20', 'blocked'], // documentation (RFC 9637)
  ['5f00::/16', 'blocked'], // SRv6 SIDs (RFC 9602)
  ['fc00::/7', 'private'], // unique local (RFC 4193)
  ['fd00:ec2::254/128', 'blocked'], // AWS metadata over IPv6
  ['fe80::/10', 'blocked'], // link-local
  ['fec0::/10', 'private'], // deprecated site-local (RFC 3879)
  ['ff00::/8', 'blocked'], // multicast
];

const SEVERITY: Record<EgressVerdict, number> = { allowed: 0, private: 1, blocked: 2 };

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
 * An IPv6 address that carries an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4,
 * Teredo) is judged by that IPv4 address, since that is where the packets end up.
 */
@Injectable()
export class EgressPolicy {
  private readonly allowPrivate: boolean;
  private readonly allowedCidrs: readonly Cidr[];

  constructor(config: AppConfig) {
    this.allowPrivate = config.egress.allowPrivate;
    this.allowedCidrs = config.egress.allowCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** The verdict for one IP address, in any notation; anything unparsable is blocked. */
  checkAddress(address: string): EgressVerdict {
    const ip = parseAddress(address);
    if (!ip) return 'blocked';
    const embedded = ip instanceof ipaddr.IPv6 ? embeddedIPv4(ip) : [];
    const judged = embedded.length > 0 ? embedded : [ip];
    return judged
      .map((candidate) => this.verdict(candidate, ip))
      .reduce((worst, verdict) => (SEVERITY[verdict] > SEVERITY[worst] ? verdict : worst), 'allowed');
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

  /** `original` is the address as given, so an allowed IPv6 CIDR also opens what it embeds. */
  private verdict(ip: Address, original: Address): EgressVerdict {
    const addressClass = classify(ip);
    if (addressClass === 'blocked') return 'blocked';
    if (addressClass === 'public' || this.allowPrivate || this.listed(ip) || this.listed(original)) return 'allowed';
    return 'private';
  }

  private listed(ip: Address): boolean {
    return this.allowedCidrs.some((cidr) => cidr[0].kind() === ip.kind() && ip.match(cidr));
  }
}

const IPV4_TABLE = classTable(IPV4_CLASSES);
const IPV6_TABLE = classTable(IPV6_CLASSES);

/** Most specific prefix first, so a longest-prefix match is the first match. */
function classTable(entries: ReadonlyArray<readonly [string, AddressClass]>): ReadonlyArray<readonly [Cidr, AddressClass]> {
  return entries.map(([cidr, addressClass]) => [ipaddr.parseCIDR(cidr), addressClass] as const).sort((a, b) => b[0][1] - a[0][1]);
}

function classify(ip: Address): AddressClass {
  const table = ip.kind() === 'ipv4' ? IPV4_TABLE : IPV6_TABLE;
  const match = table.find(([cidr]) => ip.match(cidr));
  if (match) return match[1];
  return ip.kind() === 'ipv4' ? 'public' : 'blocked';
}

/** An IP address (IPv4 in any notation ipaddr.js reads), without brackets or zone id. */
export function parseAddress(address: string): Address | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare) === 6) return ipaddr.IPv6.parse(bare);
  return ipaddr.IPv4.isValid(bare) ? ipaddr.IPv4.parse(bare) : undefined;
}

/** The RFC 6052 positions of the IPv4 address under each prefix length a local-use NAT64 may use. */
const NAT64_LOCAL_USE_LAYOUTS: ReadonlyArray<readonly number[]> = [
  [6, 7, 9, 10], // /48 (byte 8 is the reserved "u" octet)
  [7, 9, 10, 11], // /56
  [9, 10, 11, 12], // /64
  [12, 13, 14, 15], // /96
];
const LAST_32_BITS = [12, 13, 14, 15];
const NAT64_LOCAL_USE = ipaddr.parseCIDR('64:ff9b:1::/48');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * The IPv4 addresses an IPv6 address leads to: IPv4-mapped, SIIT (::ffff:0:0:0/96),
 * IPv4-compatible, NAT64 well-known and local-use (every layout it may use), 6to4, and
 * Teredo (server and client). Empty when it embeds none.
 */
export function embeddedIPv4(ip: IPv6): IPv4[] {
  const bytes = ip.toByteArray();
  const at = (positions: readonly number[], mask = 0) => new ipaddr.IPv4(positions.map((i) => bytes[i]! ^ mask));
  switch (ip.range() as string) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [at(LAST_32_BITS)];
    case 'rfc6052':
      return ip.match(NAT64_LOCAL_USE) ? NAT64_LOCAL_USE_LAYOUTS.map((layout) => at(layout)) : [at(LAST_32_BITS)];
    case '6to4':
      return [at([2, 3, 4, 5])];
    case 'teredo':
      return [at([4, 5, 6, 7]), at(LAST_32_BITS, 0xff)];
    case 'unicast':
      return ip.match(IPV4_COMPATIBLE) ? [at(LAST_32_BITS)] : [];
    default:
      return [];
  }
}
