import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { EgressPolicy } from '../../egress/egress-policy.js';

/** Raised inside a connection attempt when the target may not be reached. */
export class EgressBlockedError extends Error {
  override name = 'EgressBlockedError';
  readonly code = 'EGRESS_BLOCKED';
}

/**
 * A `lookup` for net/tls.connect that resolves every address and refuses the connection
 * if any is blocked. It runs for the connection actually made, so a name that changes
 * its answer between registration and use (DNS rebinding) is still caught.
 */
export function egressGuardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    if (policy.isBlockedHostName(hostname)) {
      callback(new EgressBlockedError(`${hostname} is a cloud metadata service`), '', 4);
      return;
    }
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.find((entry) => policy.checkAddress(entry.address) !== 'allowed');
      if (refused) {
        return callback(new EgressBlockedError(`${hostname} resolves to ${refused.address}, which is not reachable`), '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
