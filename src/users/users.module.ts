import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { OwnerScope } from './owner-scope.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuditModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, OwnerScope],
  exports: [UsersRepository, OwnerScope],
})
export class UsersModule {}
