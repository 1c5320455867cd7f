import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/caller.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../common/openapi/api-key-auth.js';
import { AuthenticatedOnly, Requires } from '../auth/access.decorators.js';
import { AUTHENTICATED_ERRORS, ApiErrors, JSON_BODY_ERRORS } from '../common/openapi/api-errors.decorator.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { UuidParam } from '../common/validation/uuid-param.pipe.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { toUserResponse, UserPage, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiKeyAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Requires('CREATE', 'USER')
  @ApiOperation({
    summary: 'Create a user',
    description: 'No role can create a user with a role above its own. The user gets API keys from POST /v1/apikeys.',
  })
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
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserPage })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED')
  async list(@Query() query: PageQueryDto): Promise<UserPage> {
    const page = await this.users.list(query);
    return { ...page, users: page.users.map(toUserResponse) };
  }

  @Get('me')
  @ApiOperation({ summary: "The calling key's user" })
  @AuthenticatedOnly()
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentCaller() caller: Caller): Promise<UserResponse> {
    return toUserResponse(await this.users.me(caller.principal));
  }

  @Get(':id')
  @Requires('READ', 'USER')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors('INVALID_ARGUMENT', 'PERMISSION_DENIED', 'NOT_FOUND')
  async get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(caller.principal, id));
  }

  @Patch(':id')
  @Requires('UPDATE', 'USER')
  @ApiOperation({
    summary: 'Update a user',
    description: "Rename, change the role, or disable: a disabled user's API keys stop working at once.",
  })
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
