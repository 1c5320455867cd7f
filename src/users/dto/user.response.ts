import { ApiProperty } from '@nestjs/swagger';
import { ApiEpochMs, ApiNextToken } from '../../common/openapi/schema-properties.js';
import { epochMs } from '../../common/time.js';
import type { User } from '../../generated/prisma/client.js';
import { UserRole } from '../../generated/prisma/enums.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ enum: UserRole, enumName: 'UserRole' })
  role!: UserRole;

  @ApiProperty()
  disabled!: boolean;

  @ApiEpochMs({ nullable: true })
  disabledAt!: number | null;

  @ApiEpochMs()
  createdAt!: number;

  @ApiEpochMs()
  updatedAt!: number;
}

export class UserPage {
  @ApiProperty({ type: [UserResponse] })
  users!: UserResponse[];

  @ApiNextToken()
  nextToken?: string;
}

export function toUserResponse(user: User): UserResponse {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    disabledAt: epochMs(user.disabledAt),
    createdAt: epochMs(user.createdAt),
    updatedAt: epochMs(user.updatedAt),
  };
}
