import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { USER_DIRECTORY } from '../auth/user-directory.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuditModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, { provide: USER_DIRECTORY, useExisting: UsersService }],
  exports: [UsersService, USER_DIRECTORY],
})
export class UsersModule {}
