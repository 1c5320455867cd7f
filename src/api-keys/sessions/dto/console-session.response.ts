import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyScopesResponse } from '../../dto/api-key.response.js';
import { PERMISSIONS, type Permission } from '../../../auth/permissions.js';
import { ApiEpochMs } from '../../../common/openapi/schema-properties.js';
import { UserRole } from '../../../generated/prisma/enums.js';
import type { SessionView } from '../console-sessions.service.js';

export class ConsoleSessionUser {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ enum: UserRole, enumName: 'UserRole' })
  role!: UserRole;
}

/** Who is signed in to the console, and what the key may do (the console hides the rest; the server still decides). */
export class ConsoleSessionResponse {
  @ApiProperty({ type: ConsoleSessionUser })
  user!: ConsoleSessionUser;

  @ApiProperty({ format: 'uuid', description: 'The API key the session was opened with' })
  apiKeyId!: string;

  @ApiProperty({ example: 'rrk_1a2b3c4d' })
  keyPrefix!: string;

  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', isArray: true, description: "The key's effective permissions: its scope within its user's role" })
  permissions!: Permission[];

  @ApiProperty({ type: ApiKeyScopesResponse })
  scopes!: ApiKeyScopesResponse;

  @ApiEpochMs({ description: 'When the session ends at the latest' })
  expiresAt!: number;

  @ApiProperty({ description: 'A session unused this long ends' })
  idleTimeoutMs!: number;
}

export function toConsoleSessionResponse(view: SessionView): ConsoleSessionResponse {
  return {
    user: { userId: view.user.userId, email: view.user.email, displayName: view.user.displayName, role: view.user.role },
    apiKeyId: view.apiKeyId,
    keyPrefix: view.keyPrefix,
    permissions: [...view.permissions],
    scopes: { permissions: view.scopes.permissions ? [...view.scopes.permissions] : null, rerankerIds: view.scopes.rerankerIds ? [...view.scopes.rerankerIds] : null, aliases: view.scopes.aliases ? [...view.scopes.aliases] : null },
    expiresAt: view.expiresAt,
    idleTimeoutMs: view.idleTimeoutMs,
  };
}
