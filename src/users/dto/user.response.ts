import { epochMs } from '../../common/time.js';
import type { User, UserRole } from '../../generated/prisma/client.js';

export interface UserResponse {
  userId: string;
  email: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
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
