import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { refusedAddressReason } from 'src/webhooks/domain/webhook-address';

/** The URL's host is, or resolves to, an address webhooks may not be sent to. */
export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

const DNS_TIMEOUT_MS = 5000;

/** Refuses a literal IP address that is private, loopback, link-local and so on. */
export function assertPublicAddress(address: string, host = address): void {
  const reason = refusedAddressReason(address);
  if (reason) throw new RefusedAddressError(host === address ? `${address} is ${reason}` : `${host} resolves to ${address}, ${reason}`);
}

/**
 * Resolves a host name the way an HTTP client would (getaddrinfo, /etc/hosts included) and refuses
 * it when any of its addresses is not public: one private record among public ones is enough to be
 * steered inside.
 */
export function resolvePublicAddresses(hostname: string, family: 0 | 4 | 6 = 0): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`resolving ${hostname} took longer than ${DNS_TIMEOUT_MS} ms`)), DNS_TIMEOUT_MS);
    dnsLookup(hostname, { all: true, family, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) return reject(error);
      if (addresses.length === 0) return reject(new Error(`${hostname} has no addresses`));
      try {
        for (const { address } of addresses) assertPublicAddress(address, hostname);
      } catch (refused) {
        return reject(refused);
      }
      resolve(addresses);
    });
  });
}

/**
 * A `lookup` for node:http that checks the addresses it hands to the socket. The connection goes to
 * exactly the address that was checked, so a DNS answer that changes between the check and the
 * connection (DNS rebinding) cannot steer a delivery to a private address.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  const family = options.family === 4 || options.family === 6 ? options.family : 0;
  resolvePublicAddresses(hostname, family).then(
    (addresses) => {
      if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};
