import { jest } from '@jest/globals';
import { AliasesRepository } from '../../src/aliases/aliases.repository.js';
import { ApiKeysRepository } from '../../src/api-keys/api-keys.repository.js';
import { RerankersRepository } from '../../src/rerankers/rerankers.repository.js';
import { UsersRepository } from '../../src/users/users.repository.js';

/** What a rerank call could read from the database: the repositories behind keys, users, rerankers and aliases. */
const REPOSITORIES = [RerankersRepository, AliasesRepository, ApiKeysRepository, UsersRepository];

/** Spies on every method of those repositories; `called()` names the ones used since, `restore()` ends the spying. */
export function spyOnRepositories(): { called(): string[]; restore(): void } {
  const spies = REPOSITORIES.flatMap((repository) =>
    Object.getOwnPropertyNames(repository.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => ({ name: `${repository.name}.${name}`, spy: jest.spyOn(repository.prototype as unknown as Record<string, () => unknown>, name) })),
  );
  return {
    called: () => spies.filter(({ spy }) => spy.mock.calls.length > 0).map(({ name }) => name),
    restore: () => spies.forEach(({ spy }) => spy.mockRestore()),
  };
}
