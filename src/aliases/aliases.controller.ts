import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import type { FastifyReply } from 'fastify';
import { Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { ApiLabelFilters } from '../common/openapi/schema-properties.js';
import { etagResponseHeader, ifMatchRequestHeader, revisionEtag } from '../common/http/etag.js';
import type { AliasWithTargets } from './aliases.repository.js';
import { AliasNameParam } from './alias-name.pipe.js';
import { AliasesService } from './aliases.service.js';
import { AliasOwnerQuery } from './dto/alias-owner.query.js';
import { AliasPage, AliasResponse, toAliasResponse } from './dto/alias.response.js';
import { CreateAliasDto } from './dto/create-alias.dto.js';
import { ListAliasesQuery, parseListAliasesQuery } from './dto/list-aliases.query.js';
import { UpdateAliasDto } from './dto/update-alias.dto.js';

const ETAG_HEADER = etagResponseHeader('alias');

function withEtag(reply: FastifyReply, alias: AliasWithTargets): AliasResponse {
  void reply.header('etag', revisionEtag(alias));
  return toAliasResponse(alias);
}

@ApiTags('aliases')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 'PERMISSION_DENIED')
@Controller('v1/aliases')
export class AliasesController {
  constructor(private readonly aliases: AliasesService) {}

  @Post()
  @Requires('CREATE', 'ALIAS')
  @ApiOperation({
    summary: 'Create an alias',
    description: 'A named route over rerankers, called by sending its name as `model` (or at /v1/aliases/{name}/rerank): targets by priority, by weight within a priority for WEIGHTED, and a last resort (LEXICAL: BM25) when every target failed.',
  })
  @ApiCreatedResponse({
    type: AliasResponse,
    headers: { Location: { description: 'The new alias: /v1/aliases/{name}', schema: { type: 'string' } }, ...ETAG_HEADER },
  })
  @ApiErrors(...JSON_BODY_ERRORS, 'ALREADY_EXISTS')
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateAliasDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AliasResponse> {
    const alias = await this.aliases.create(caller, dto);
    void reply.header('location', `/v1/aliases/${encodeURIComponent(alias.name)}${alias.ownerId === caller.principal.userId ? '' : `?ownerId=${alias.ownerId}`}`);
    return withEtag(reply, alias);
  }

  @Get()
  @Requires('LIST', 'ALIAS')
  @ApiOperation({
    summary: 'List aliases',
    description: "Yours, or another owner's with ownerId (LIST_ALIAS_ANY); filtered by labels.",
  })
  @ApiOkResponse({ type: AliasPage })
  @ApiErrors('INVALID_ARGUMENT')
  @ApiQuery({ type: ListAliasesQuery })
  @ApiLabelFilters()
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: Record<string, unknown>,
  ): Promise<AliasPage> {
    const page = await this.aliases.list(caller.principal, parseListAliasesQuery(query));
    return { ...page, aliases: page.aliases.map(toAliasResponse) };
  }

  @Get(':name')
  @Requires('READ', 'ALIAS')
  @ApiOperation({
    summary: 'Get an alias',
    description: "Names are unique per owner: ownerId picks another owner's alias (needs the ANY permission). With its ETag.",
  })
  @ApiOkResponse({ type: AliasResponse, headers: ETAG_HEADER })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('name', AliasNameParam) name: string,
    @Query() { ownerId }: AliasOwnerQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AliasResponse> {
    return withEtag(reply, await this.aliases.get(caller.principal, name, ownerId));
  }

  @Patch(':name')
  @Requires('UPDATE', 'ALIAS')
  @ApiOperation({
    summary: 'Update an alias',
    description:
      'Only the fields sent change; null clears description and lastResort. The name cannot change. With If-Match, applies only to that revision (412 PRECONDITION_FAILED otherwise).',
  })
  @ApiHeader(ifMatchRequestHeader('alias'))
  @ApiOkResponse({ type: AliasResponse, headers: ETAG_HEADER })
  @ApiErrors(...JSON_BODY_ERRORS, 'NOT_FOUND', 'PRECONDITION_FAILED')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('name', AliasNameParam) name: string,
    @Query() { ownerId }: AliasOwnerQuery,
    @Body() dto: UpdateAliasDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AliasResponse> {
    return withEtag(reply, await this.aliases.update(caller, name, dto, ownerId, ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  @Requires('DELETE', 'ALIAS')
  @ApiOperation({ summary: 'Delete an alias' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('name', AliasNameParam) name: string,
    @Query() { ownerId }: AliasOwnerQuery,
  ): Promise<void> {
    await this.aliases.delete(caller, name, ownerId);
  }
}
