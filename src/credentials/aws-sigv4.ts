import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Logger } from 'pino';
import { DomainError } from '../common/errors/domain-error.js';
import type { AwsKeys } from './credential.js';

/** One upstream request as it will be sent: what a SigV4 signature covers. */
export interface SignableRequest {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigV4Scope {
  readonly region: string;
  readonly service: string;
}

/**
 * The SigV4 headers of one POST (authorization, x-amz-date, x-amz-content-sha256 and, for
 * temporary keys, x-amz-security-token), by @smithy/signature-v4 over the exact body
 * bytes and every header sent (but the ones SigV4 never signs, such as user-agent), with
 * the host taken from the origin as the HTTP client will send it.
 */
export async function sigV4Headers(keys: AwsKeys, scope: SigV4Scope, request: SignableRequest): Promise<Record<string, string>> {
  const url = new URL(request.path, request.origin);
  const signer = new SignatureV4({ credentials: keys, region: scope.region, service: scope.service, sha256: NodeSha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    }),
  );
  const added: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower.startsWith('x-amz-')) added[lower] = value;
  }
  return added;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/**
 * The signer's SHA-256 and HMAC on node:crypto (the interface @aws-crypto/sha256-js
 * implements in JavaScript): a signature over a 10 KB body costs ~100 µs instead of ~400.
 */
class NodeSha256 {
  private hash!: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.reset();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

/** Where AWS_SIGV4 credentials without inline keys get theirs: the seam to the server's own identity. */
export interface AwsCredentialSource {
  credentials(): Promise<AwsKeys>;
}

export const AWS_CREDENTIAL_SOURCE = Symbol('AWS_CREDENTIAL_SOURCE');

/**
 * The AWS SDK's default chain (environment, shared config and SSO, web identity as on EKS,
 * ECS and EC2 instance roles), memoized by the SDK and refreshed before temporary keys
 * expire. Failures are logged and reach the caller as 503 without AWS's text.
 */
export class DefaultChainCredentialSource implements AwsCredentialSource {
  private readonly provider = defaultProvider();

  constructor(private readonly logger: Logger) {}

  async credentials(): Promise<AwsKeys> {
    try {
      const { accessKeyId, secretAccessKey, sessionToken } = await this.provider();
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'AWS credentials unavailable');
      throw new DomainError('UNAVAILABLE', "The service's AWS credentials (default credential chain) are not available");
    }
  }
}
