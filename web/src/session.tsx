import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Permissions } from './lib/permissions.js';
import type { Schemas } from './api.js';

export type ConsoleSession = Schemas['ConsoleSessionResponse'];

export interface SessionContextValue {
  readonly session: ConsoleSession;
  readonly permissions: Permissions;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}
