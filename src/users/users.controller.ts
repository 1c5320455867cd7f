import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiCreatedResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuthenticatedOnly, Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { toUserResponse, UserPage, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiSecurity('apiKey')
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Requires('CREATE', 'USER')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'PERMISSION_DENIED', 'ALREADY_EXISTS')
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateUserDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.create(caller, dto));
  }

  @Get()
  @Requires('LIST', 'USER')
  @ApiOkResponse({ type: UserPage })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED')
  async list(@Query() query: PageQueryDto): Promise<UserPage> {
    const page = await this.users.list(query);
    return { ...page, users: page.users.map(toUserResponse) };
  }

  @Get('me')
  @AuthenticatedOnly()
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentCaller() caller: Caller): Promise<UserResponse> {
    return toUserResponse(await this.users.me(caller.principal));
  }

  @Get(':id')
  @Requires('READ', 'USER')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(caller.principal, id));
  }

  @Patch(':id')
  @Requires('UPDATE', 'USER')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(...JSON_BODY_ERRORS, 'PERMISSION_DENIED', 'NOT_FOUND')
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.update(caller, id, dto));
  }
}
