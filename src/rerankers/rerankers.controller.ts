import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/access.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { CreateRerankerDto } from './dto/create-reranker.dto.js';
import { ListRerankersQuery, parseListRerankersQuery } from './dto/list-rerankers.query.js';
import { toRerankerResponse, type RerankerResponse } from './dto/reranker.response.js';
import { UpdateRerankerDto } from './dto/update-reranker.dto.js';
import { RerankersService } from './rerankers.service.js';

@ApiTags('rerankers')
@ApiSecurity('apiKey')
@Controller('v1/rerankers')
export class RerankersController {
  constructor(private readonly rerankers: RerankersService) {}

  @Post()
  @Requires('CREATE', 'RERANKER')
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
  @ApiQuery({ type: ListRerankersQuery })
  @ApiQuery({ name: 'label.<key>', required: false, description: 'Label filter, repeatable; all must match' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<{ rerankers: RerankerResponse[]; nextToken?: string }> {
    const page = await this.rerankers.list(principal, parseListRerankersQuery(query));
    return { ...page, rerankers: page.rerankers.map(toRerankerResponse) };
  }

  @Get(':id')
  @Requires('READ', 'RERANKER')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<RerankerResponse> {
    return toRerankerResponse(await this.rerankers.get(principal, id));
  }

  @Put(':id')
  @Requires('UPDATE', 'RERANKER')
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateRerankerDto,
  ): Promise<RerankerResponse> {
    return toRerankerResponse(await this.rerankers.update(principal, id, dto));
  }

  @Patch(':id')
  @Requires('UPDATE', 'RERANKER')
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
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) id: string): Promise<void> {
    await this.rerankers.delete(principal, id);
  }
}
