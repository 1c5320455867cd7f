import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { CreateRerankerDto } from './dto/create-reranker.dto.js';
import { ListRerankersQuery, parseListRerankersQuery } from './dto/list-rerankers.query.js';
import { RerankerPage, RerankerResponse, toRerankerResponse } from './dto/reranker.response.js';
import { UpdateRerankerDto } from './dto/update-reranker.dto.js';
import { RerankersService } from './rerankers.service.js';

@ApiTags('rerankers')
@ApiSecurity('apiKey')
@ApiErrors('UNAUTHENTICATED', 'PERMISSION_DENIED')
@Controller('v1/rerankers')
export class RerankersController {
  constructor(private readonly rerankers: RerankersService) {}

  @Post()
  @Requires('CREATE', 'RERANKER')
  @ApiCreatedResponse({
    type: RerankerResponse,
    headers: { Location: { description: 'The new reranker: /v1/rerankers/{id}', schema: { type: 'string' } } },
  })
  @ApiErrors(...JSON_BODY_ERRORS, 'ALREADY_EXISTS')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateRerankerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RerankerResponse> {
    const reranker = await this.rerankers.create(principal, dto);
    void reply.header('location', `/v1/rerankers/${reranker.id}`);
    return toRerankerResponse(reranker);
  }

  @Get()
  @Requires('LIST', 'RERANKER')
  @ApiOkResponse({ type: RerankerPage })
  @ApiErrors('INVALID_ARGUMENT')
  @ApiQuery({ type: ListRerankersQuery })
  @ApiQuery({ name: 'label.<key>', required: false, description: 'Label filter, repeatable; all must match' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<RerankerPage> {
    const page = await this.rerankers.list(principal, parseListRerankersQuery(query));
    return { ...page, rerankers: page.rerankers.map(toRerankerResponse) };
  }

  @Get(':id')
  @Requires('READ', 'RERANKER')
  @ApiOkResponse({ type: RerankerResponse })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<RerankerResponse> {
    return toRerankerResponse(await this.rerankers.get(principal, id));
  }

  @Put(':id')
  @Requires('UPDATE', 'RERANKER')
  @ApiOkResponse({ type: RerankerResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'NOT_FOUND', 'ALREADY_EXISTS')
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRerankerDto,
  ): Promise<RerankerResponse> {
    return toRerankerResponse(await this.rerankers.update(principal, id, dto));
  }

  @Patch(':id')
  @Requires('UPDATE', 'RERANKER')
  @ApiOkResponse({ type: RerankerResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'NOT_FOUND', 'ALREADY_EXISTS')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRerankerDto,
  ): Promise<RerankerResponse> {
    return toRerankerResponse(await this.rerankers.update(principal, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Requires('DELETE', 'RERANKER')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('INVALID_ARGUMENT', 'NOT_FOUND')
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<void> {
    await this.rerankers.delete(principal, id);
  }
}
