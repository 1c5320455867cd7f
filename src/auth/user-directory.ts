import type { UserRole } from '../generated/prisma/enums.js';

/** What the ownership rules need to know of a user. */
export interface DirectoryUser {
  readonly id: string;
  readonly role: UserRole;
  readonly disabledAt: Date | null;
}

/** Users by id, for the ownership rules; implemented by the users module, given to AuthModule at composition. */
export interface UserDirectory {
  find(id: string): Promise<DirectoryUser | undefined>;
}

export const USER_DIRECTORY = Symbol('USER_DIRECTORY');
