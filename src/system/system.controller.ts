import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { InitSystemDto } from './dto/init-system.dto.js';
import { SystemService, type InitResult } from './system.service.js';

@ApiTags('system')
@Controller('v1/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  /** First call creates the root user and returns its API key, once. */
  @Public()
  @Post('init')
  @HttpCode(200)
  initialize(@Body() dto: InitSystemDto): Promise<InitResult> {
    return this.system.initialize(dto);
  }

  @Public()
  @Get('info')
  info(): Promise<{ version: string; databaseKind: string; initialized: boolean }> {
    return this.system.info();
  }
}
