import type { Schemas } from '../api.js';
import { SecretSlot, secretValue } from './secrets.js';

type Metadata = Schemas['CredentialMetadataResponse'];

/** How a manifest's credential compares with the stored one, said without any secret. */
export interface CredentialComparison {
  /** unknown: an inline secret cannot be compared without the stored value; it is re-supplied. */
  outcome: 'same' | 'changed' | 'unknown';
  note: string;
}

const SECRET_HINT_MIN_LENGTH = 16;

/**
 * The server shows an inline secret only as a hint (the last 4 characters of one of 16 or
 * more): a different hint proves a change; the same hint proves nothing.
 */
function hintOf(secret: string): string {
  const codePoints = Array.from(secret);
  return codePoints.length >= SECRET_HINT_MIN_LENGTH ? `…${codePoints.slice(-4).join('')}` : '…';
}

/** Where the API puts an API key when the credential does not say (the OpenAPI document's defaults). */
function defaultHeader(providerType: string): { headerName: string; prefix: string } {
  return providerType === 'PINECONE' ? { headerName: 'Api-Key', prefix: '' } : { headerName: 'Authorization', prefix: 'Bearer ' };
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = Object.entries(a ?? {}).sort();
  const right = Object.entries(b ?? {}).sort();
  return JSON.stringify(left) === JSON.stringify(right);
}

function describe(metadata: Metadata | null): string {
  if (!metadata) return 'none';
  if (metadata.kind === 'CREDENTIAL_KIND_GCP_ADC') return 'GCP ADC';
  if (metadata.kind === 'CREDENTIAL_KIND_AWS_SIGV4') return metadata.awsSigV4?.hasInlineKeys ? 'AWS SigV4 (inline keys)' : "AWS SigV4 (the server's identity)";
  const ref = metadata.apiKey?.secretRef?.uri;
  return ref ? `secretRef ${ref}` : 'inline secret';
}

/** Compares a manifest's credential (secret fields are SecretSlots) with the stored metadata. */
export function compareCredentials(desired: Record<string, unknown> | null, current: Metadata | null, providerType: string): CredentialComparison {
  if (desired === null) return current === null ? same() : { outcome: 'changed', note: `${describe(current)} -> none` };
  if (current === null) return { outcome: 'changed', note: `none -> ${desiredDescription(desired)}` };
  if (desired.kind !== current.kind) return { outcome: 'changed', note: `${describe(current)} -> ${desiredDescription(desired)}` };
  if (!sameMap(desired.labels as Record<string, string> | undefined, current.labels)) return { outcome: 'changed', note: 'labels changed' };
  if (current.kind === 'CREDENTIAL_KIND_GCP_ADC') return compareGcp(desired.gcpAdc as GcpDesired | undefined, current.gcpAdc!);
  if (current.kind === 'CREDENTIAL_KIND_AWS_SIGV4') return compareAws(desired.awsSigV4 as AwsDesired, current.awsSigV4!);
  return compareApiKey(desired.apiKey as ApiKeyDesired | undefined, current.apiKey!, providerType);
}

interface ApiKeyDesired {
  inlineSecret?: SecretSlot;
  secretRef?: { uri: string; hints?: Record<string, string> };
  headerName?: string;
  prefix?: string;
}

function compareApiKey(desired: ApiKeyDesired | undefined, current: NonNullable<Metadata['apiKey']>, providerType: string): CredentialComparison {
  const defaults = defaultHeader(providerType);
  const headerName = desired?.headerName ?? defaults.headerName;
  const prefix = desired?.prefix ?? defaults.prefix;
  if (headerName.toLowerCase() !== current.headerName.toLowerCase() || prefix !== current.prefix) {
    return { outcome: 'changed', note: `header ${current.headerName}: ${JSON.stringify(current.prefix)} -> ${headerName}: ${JSON.stringify(prefix)}` };
  }
  if (desired?.secretRef) {
    const { uri, hints } = desired.secretRef;
    if (current.secretRef?.uri === uri && sameMap(hints, current.secretRef.hints)) return same();
    return { outcome: 'changed', note: `${current.secretRef ? `secretRef ${current.secretRef.uri}` : 'inline secret'} -> secretRef ${uri}` };
  }
  const slot = desired?.inlineSecret;
  if (!(slot instanceof SecretSlot)) return { outcome: 'changed', note: 'the credential names no secret' };
  if (!current.hasInlineSecret) return { outcome: 'changed', note: `${current.secretRef ? `secretRef ${current.secretRef.uri}` : 'no secret'} -> inline secret from ${slot}` };
  return compareInline(slot, current.secretHint, 'the inline secret');
}

function compareInline(slot: SecretSlot, storedHint: string | undefined, what: string): CredentialComparison {
  if (slot.origin.kind === 'kept') return same();
  const value = secretValue(slot)!;
  if (storedHint !== undefined && hintOf(value) !== storedHint) return { outcome: 'changed', note: `${what} from ${slot} differs from the stored one (by its hint)` };
  return { outcome: 'unknown', note: `${what} from ${slot} cannot be compared with the stored one without its value: it will be re-supplied` };
}

interface GcpDesired {
  scopes?: string[];
  quotaProjectId?: string;
}

function compareGcp(desired: GcpDesired | undefined, current: NonNullable<Metadata['gcpAdc']>): CredentialComparison {
  const scopes = [...new Set(desired?.scopes ?? [])].sort();
  const currentScopes = [...new Set(current.scopes)].sort();
  if (JSON.stringify(scopes) !== JSON.stringify(currentScopes)) return { outcome: 'changed', note: `GCP scopes [${currentScopes.join(' ')}] -> [${scopes.join(' ')}]` };
  if ((desired?.quotaProjectId ?? null) !== (current.quotaProjectId ?? null)) {
    return { outcome: 'changed', note: `GCP quota project ${current.quotaProjectId ?? 'none'} -> ${desired?.quotaProjectId ?? 'none'}` };
  }
  return same();
}

interface AwsDesired {
  region: string;
  service?: string;
  accessKeyId?: SecretSlot;
  secretAccessKey?: SecretSlot;
  sessionToken?: SecretSlot;
}

function compareAws(desired: AwsDesired, current: NonNullable<Metadata['awsSigV4']>): CredentialComparison {
  const service = desired.service ?? 'bedrock';
  if (desired.region !== current.region || service !== current.service) {
    return { outcome: 'changed', note: `AWS ${current.region}/${current.service} -> ${desired.region}/${service}` };
  }
  const inline = desired.accessKeyId !== undefined || desired.secretAccessKey !== undefined;
  if (!inline) return current.hasInlineKeys ? { outcome: 'changed', note: "inline AWS keys -> the server's identity" } : same();
  if (!current.hasInlineKeys) return { outcome: 'changed', note: "the server's identity -> inline AWS keys" };
  if ((desired.sessionToken !== undefined) !== (current.hasSessionToken ?? false)) return { outcome: 'changed', note: 'AWS session token added or removed' };
  const keyId = desired.accessKeyId ? compareInline(desired.accessKeyId, current.accessKeyIdHint, 'the AWS access key id') : same();
  if (keyId.outcome === 'changed') return keyId;
  const slots = [desired.secretAccessKey, desired.sessionToken].filter((slot): slot is SecretSlot => slot !== undefined);
  const unknown = slots.find((slot) => slot.origin.kind !== 'kept');
  if (unknown) return { outcome: 'unknown', note: `the AWS secret key from ${unknown} cannot be compared with the stored one without its value: it will be re-supplied` };
  return keyId;
}

function desiredDescription(desired: Record<string, unknown>): string {
  if (desired.kind === 'CREDENTIAL_KIND_GCP_ADC') return 'GCP ADC';
  if (desired.kind === 'CREDENTIAL_KIND_AWS_SIGV4') return (desired.awsSigV4 as AwsDesired).accessKeyId ? 'AWS SigV4 (inline keys)' : "AWS SigV4 (the server's identity)";
  const apiKey = desired.apiKey as ApiKeyDesired | undefined;
  return apiKey?.secretRef ? `secretRef ${apiKey.secretRef.uri}` : `inline secret from ${apiKey?.inlineSecret}`;
}

function same(): CredentialComparison {
  return { outcome: 'same', note: '' };
}

/** Whether a manifest's credential holds a kept secret (the export placeholder), which cannot be sent. */
export function keepsSecret(desired: unknown): boolean {
  if (desired instanceof SecretSlot) return desired.origin.kind === 'kept';
  if (typeof desired === 'object' && desired !== null) return Object.values(desired).some(keepsSecret);
  return false;
}
