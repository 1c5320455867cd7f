import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { ProviderType } from '../generated/prisma/enums.js';
import { BuiltinRankers } from '../providers/builtin/builtin-rankers.js';
import { isBuiltinProvider } from '../providers/provider-catalog.js';
import type { CreateRerankerDto } from './dto/create-reranker.dto.js';
import type { UpdateRerankerDto } from './dto/update-reranker.dto.js';

/** What a built-in reranker is never given: it calls nothing over HTTP. */
const UPSTREAM_FIELDS = ['endpointUrl', 'apiPath', 'credentials', 'extraHeaders'] as const;
/** The one LEXICAL model. */
const BM25 = 'bm25';

/** What the rules read of a create or an update body. */
type RegistrationFields = { readonly [field in (typeof UPSTREAM_FIELDS)[number] | 'lexical']?: unknown } & { readonly modelIdentifier?: string };

/**
 * Which fields a reranker of each kind takes, and what registering a built-in one needs:
 * LEXICAL spends only the service's CPU within its caller's limits, so any member may
 * register it; LOCAL loads a model into the server's memory from its disk, so it needs
 * USE_SERVER_RESOURCES and a model that is allowed here and loads (checked by loading it).
 */
@Injectable()
export class BuiltinRegistration {
  constructor(private readonly rankers: BuiltinRankers) {}

  async assertCreatable(principal: Principal, dto: CreateRerankerDto): Promise<void> {
    if (!isBuiltinProvider(dto.providerType) && dto.endpointUrl === undefined) {
      throw fieldError('endpointUrl', `endpointUrl is required for providerType ${dto.providerType}`);
    }
    await this.assertFields(principal, dto.providerType, dto);
  }

  /** An update of `providerType` (which never changes): the same rules for what it sends; a LOCAL model is checked again when it changes. */
  async assertUpdatable(principal: Principal, providerType: ProviderType, currentModel: string, dto: UpdateRerankerDto): Promise<void> {
    const model = dto.modelIdentifier === currentModel ? undefined : dto.modelIdentifier;
    await this.assertFields(principal, providerType, { ...dto, modelIdentifier: model });
  }

  private async assertFields(principal: Principal, providerType: ProviderType, fields: RegistrationFields): Promise<void> {
    if (fields.lexical !== undefined && fields.lexical !== null && providerType !== 'LEXICAL') {
      throw fieldError('lexical', `lexical is only for LEXICAL rerankers, not ${providerType}`);
    }
    if (!isBuiltinProvider(providerType)) return;
    for (const field of UPSTREAM_FIELDS) {
      if (fields[field] !== undefined && fields[field] !== null) {
        throw fieldError(field, `${field} is not accepted for ${providerType}: it runs inside the service`);
      }
    }
    if (fields.modelIdentifier === undefined) return;
    if (providerType === 'LEXICAL' && fields.modelIdentifier !== BM25) {
      throw fieldError('modelIdentifier', `modelIdentifier of a LEXICAL reranker must be ${BM25}, got "${fields.modelIdentifier}"`);
    }
    if (providerType === 'LOCAL') await this.assertLocalModel(principal, fields.modelIdentifier);
  }

  private async assertLocalModel(principal: Principal, model: string): Promise<void> {
    if (!principal.has('USE_SERVER_RESOURCES')) {
      throw DomainError.permissionDenied("USE_SERVER_RESOURCES is required to register a LOCAL reranker: it runs a model on the server's CPU, memory and disk");
    }
    await this.rankers.checkModel(model);
  }
}

/** A 400 naming the field, as validation errors do (clients read it as error.param). */
function fieldError(field: string, message: string): DomainError {
  return DomainError.invalidArgument(message, { fields: [{ field, problems: [message] }] });
}
