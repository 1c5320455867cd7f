import { readFileSync } from 'node:fs';
import { MANIFEST_SCHEMA } from './schema.js';

/** The checked-in OpenAPI document: manifests mirror its request bodies. */
const openapi = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }> };
};
const api = (name: string) => openapi.components.schemas[name]!.properties;

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  enum?: unknown[];
}
const definitions = MANIFEST_SCHEMA.definitions as unknown as Record<string, SchemaNode>;
const spec = (kind: 'Reranker' | 'Alias' | 'Limits') => definitions[kind]!.properties!.spec!.properties!;
const fields = (properties: Record<string, unknown>, without: string[] = [], plus: string[] = []) =>
  [...Object.keys(properties).filter((key) => !without.includes(key)), ...plus].sort();

describe('the manifest schema mirrors the API', () => {
  it('has every field of the create bodies (name and labels are metadata; ids are names)', () => {
    expect(fields(spec('Reranker'))).toEqual(fields(api('CreateRerankerDto'), ['rerankerId', 'name', 'labels']));
    expect(fields(spec('Alias'))).toEqual(fields(api('CreateAliasDto'), ['name', 'labels']));
    expect(fields(spec('Limits'))).toEqual(fields(api('UpdateLimitsDto'), [], ['user', 'apiKey']));
  });

  it('has the credential fields and the enums of the API', () => {
    const credentials = spec('Reranker').credentials!.anyOf![0]!.properties!;
    expect(fields(credentials)).toEqual(fields(api('CredentialsDto')));
    expect(fields(credentials.apiKey!.properties!)).toEqual(fields(api('ApiKeyCredentialDto')));
    expect(fields(credentials.awsSigV4!.properties!)).toEqual(fields(api('AwsSigV4CredentialDto')));
    expect(fields(credentials.gcpAdc!.properties!)).toEqual(fields(api('GcpAdcCredentialDto')));
    expect(spec('Reranker').providerType!.enum).toEqual(api('CreateRerankerDto').providerType!.enum);
    expect(spec('Reranker').supportedModalities!.items!.enum).toEqual(api('CreateRerankerDto').supportedModalities!.items!.enum);
    expect(spec('Alias').strategy!.enum).toEqual(api('CreateAliasDto').strategy!.enum);
  });
});
