import { GoogleAuth } from 'google-auth-library';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-error.js';
import { DEFAULT_GCP_SCOPES } from './credential.js';

/** Where GCP_ADC credentials get their access tokens: the one seam between the service and Google's auth. */
export interface GcpTokenSource {
  /** A valid access token for these scopes (empty: cloud-platform), cached and refreshed before expiry by the source. */
  accessToken(scopes: readonly string[]): Promise<string>;
}

export const GCP_TOKEN_SOURCE = Symbol('GCP_TOKEN_SOURCE');

/** Distinct scope sets are few (registered by USE_SERVER_IDENTITY holders); the bound only caps memory. */
const MAX_SCOPE_SETS = 64;

/**
 * Google Application Default Credentials through google-auth-library: a service account
 * file (`GOOGLE_APPLICATION_CREDENTIALS`), workload identity federation, or the metadata
 * server. One GoogleAuth per scope set; its client caches the token and refreshes it before
 * expiry (eagerRefreshThresholdMillis, 5 minutes by default). Failures are logged here and
 * reach the caller as 503 without Google's text, which may describe the server's setup.
 */
export class GoogleAdcTokenSource implements GcpTokenSource {
  private readonly auths = new LRUCache<string, GoogleAuth>({ max: MAX_SCOPE_SETS });

  constructor(
    private readonly logger: Logger,
    private readonly authFor: (scopes: string[]) => GoogleAuth = (scopes) => new GoogleAuth({ scopes }),
  ) {}

  async accessToken(scopes: readonly string[]): Promise<string> {
    const effective = [...new Set(scopes.length > 0 ? scopes : DEFAULT_GCP_SCOPES)].sort();
    const key = effective.join(' ');
    let auth = this.auths.get(key);
    if (!auth) {
      auth = this.authFor(effective);
      this.auths.set(key, auth);
    }
    try {
      const client = await auth.getClient();
      const { token } = await client.getAccessToken();
      if (!token) throw new Error('Google returned no access token');
      return token;
    } catch (error) {
      this.logger.warn({ scopes: effective, reason: error instanceof Error ? error.message : String(error) }, 'GCP ADC token unavailable');
      throw new DomainError('UNAVAILABLE', "The service's Google Application Default Credentials could not provide an access token");
    }
  }
}
