import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import type { FastifyReply } from 'fastify';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiLabelFilters } from '../common/openapi/schema-properties.js';
import type { Reranker } from '../generated/prisma/client.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { etagResponseHeader, ifMatchRequestHeader, revisionEtag } from '../common/http/etag.js';
import { DeleteRerankerQuery } from './dto/delete-reranker.query.js';
import { CreateRerankerDto } from './dto/create-reranker.dto.js';
import { ListRerankersQuery, parseListRerankersQuery } from './dto/list-rerankers.query.js';
import { RerankerPage, RerankerResponse, toRerankerResponse } from './dto/reranker.response.js';
import { UpdateRerankerDto } from './dto/update-reranker.dto.js';
import { RerankersService } from './rerankers.service.js';
import { toRerankerUsageSummary } from '../usage/dto/usage.response.js';
import { UsageService } from '../usage/usage.service.js';

const ETAG_HEADER = etagResponseHeader('reranker');
const IF_MATCH_HEADER = ifMatchRequestHeader('reranker');

/** An update can also be refused as a duplicate, or by a stale If-Match. */
const UPDATE_ERRORS = [...JSON_BODY_ERRORS, 'NOT_FOUND', 'ALREADY_EXISTS', 'PRECONDITION_FAILED'] as const;

function withEtag(reply: FastifyReply, reranker: Reranker): RerankerResponse {
  void reply.header('etag', revisionEtag(reranker));
  return toRerankerResponse(reranker);
}

@ApiTags('rerankers')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/rerankers')
export class RerankersController {
  constructor(
    private readonly rerankers: RerankersService,
    private readonly usage: UsageService,
  ) {}

  @Post()
  @Requires('CREATE', 'RERANKER')
  @ApiOperation({
    summary: 'Register a reranker',
    description: 'GoodMem-compatible. Credentials are encrypted at rest and never returned. The same registration twice for one owner (provider type, endpoint, path, model and credentials) is refused with 409 ALREADY_EXISTS.',
  })
  @ApiCreatedResponse({
    type: RerankerResponse,
    headers: { Location: { description: 'The new reranker: /v1/rerankers/{id}', schema: { type: 'string' } }, ...ETAG_HEADER },
  })
  @ApiErrors(...JSON_BODY_ERRORS, 'ALREADY_EXISTS')
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateRerankerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankerResponse> {
    const reranker = await this.rerankers.create(caller, dto);
    void reply.header('location', `/v1/rerankers/${reranker.id}`);
    return withEtag(reply, reranker);
  }

  @Get()
  @Requires('LIST', 'RERANKER')
  @ApiOperation({
    summary: 'List rerankers',
    description: "Yours, or another owner's with ownerId (LIST_RERANKER_ANY); filtered by provider type and labels.",
  })
  @ApiOkResponse({ type: RerankerPage })
  @ApiErrors('INVALID_ARGUMENT')
  @ApiQuery({ type: ListRerankersQuery })
  @ApiLabelFilters()
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: Record<string, unknown>,
  ): Promise<RerankerPage> {
    const page = await this.rerankers.list(caller.principal, parseListRerankersQuery(query));
    return { ...page, rerankers: page.rerankers.map(toRerankerResponse) };
  }

  @Get(':id')
  @Requires('READ', 'RERANKER')
  @ApiOperation({
    summary: 'Get a reranker',
    description: "With this month's usage and its ETag.",
  })
  @ApiOkResponse({ type: RerankerResponse, headers: ETAG_HEADER })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankerResponse> {
    const reranker = await this.rerankers.get(caller.principal, id);
    const usage = await this.usage.monthToDate({ rerankerId: reranker.id });
    return { ...withEtag(reply, reranker), usage: toRerankerUsageSummary(usage) };
  }

  /** PUT has PATCH's partial semantics (GoodMem's clients send PUT). */
  @Put(':id')
  @Requires('UPDATE', 'RERANKER')
  @ApiOperation({
    summary: 'Update a reranker (as PATCH)',
    description: "A partial update like PATCH: GoodMem's clients send PUT.",
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: RerankerResponse, headers: ETAG_HEADER })
  @ApiErrors(...UPDATE_ERRORS)
  replace(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRerankerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankerResponse> {
    return this.update(caller, id, dto, ifMatch, reply);
  }

  @Patch(':id')
  @Requires('UPDATE', 'RERANKER')
  @ApiOperation({
    summary: 'Update a reranker',
    description: 'Only the fields sent change; null clears a field that may be null. Sending kept credentials to another endpoint, path or headers needs the power to supply them. With If-Match, applies only to that revision (412 PRECONDITION_FAILED otherwise).',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: RerankerResponse, headers: ETAG_HEADER })
  @ApiErrors(...UPDATE_ERRORS)
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRerankerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankerResponse> {
    return withEtag(reply, await this.rerankers.update(caller, id, dto, ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @Requires('DELETE', 'RERANKER')
  @ApiOperation({
    summary: 'Delete a reranker',
    description: '409 IN_USE while an alias routes to it, unless force=true, which also removes it from those aliases.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND', 'IN_USE')
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Query() { force }: DeleteRerankerQuery,
  ): Promise<void> {
    await this.rerankers.delete(caller, id, force);
  }
}
