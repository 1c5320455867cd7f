import { Command } from 'commander';
import { listAll, ok, type Schemas } from '../api.js';
import { action, integer, withOutput, type CliRuntime } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { printList, printOne, timeCell, type OutputOptions, type View } from '../output.js';
import { userId } from '../resolve.js';

type User = Schemas['UserResponse'];

export const USER_VIEW: View<User> = {
  columns: [
    { header: 'ID', value: (u) => u.userId },
    { header: 'EMAIL', value: (u) => u.email },
    { header: 'NAME', value: (u) => u.displayName, maxWidth: 40 },
    { header: 'ROLE', value: (u) => u.role },
    { header: 'DISABLED', value: (u) => timeCell(u.disabledAt) },
  ],
  id: (u) => u.userId,
  name: (u) => u.email,
};

const ROLES = ['ROOT', 'ADMIN', 'MEMBER'] as const;

function role(raw: string): Schemas['UserRole'] {
  const value = raw.toUpperCase();
  if (!(ROLES as readonly string[]).includes(value)) throw new UsageError(`--role is one of ${ROLES.join(', ')}`);
  return value as Schemas['UserRole'];
}

export function usersCommand(runtime: CliRuntime): Command {
  const group = new Command('users').description('users and their roles (admins), and yourself').alias('user');

  withOutput(group.command('create').description('create a user (then give them a key: rrctl keys create --user <id>)'))
    .requiredOption('--email <email>', 'email, unique')
    .requiredOption('--display-name <text>', 'display name')
    .option('--role <role>', 'ROOT|ADMIN|MEMBER', 'MEMBER')
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions & { email: string; displayName: string; role: string }) => {
        const api = await ctx.api();
        const body = { email: o.email, displayName: o.displayName, role: role(o.role) };
        printOne(ctx.io, o, USER_VIEW, await ok(api.POST('/v1/users', { body })));
      }),
    );

  withOutput(group.command('get').description('show a user').argument('[user]', 'id, or me', 'me')).action(
    action(runtime, async (ctx, [ref], o: OutputOptions) => {
      const api = await ctx.api();
      const user = ref === undefined || ref === 'me' ? await ok(api.GET('/v1/users/me')) : await ok(api.GET('/v1/users/{id}', { params: { path: { id: await userId(api, ref) } } }));
      printOne(ctx.io, o, USER_VIEW, user);
    }),
  );

  withOutput(group.command('list').description('list users (admins)'))
    .option('--limit <n>', 'stop after n', integer(1, 1_000_000))
    .action(
      action(runtime, async (ctx, _args, o: OutputOptions & { limit?: number }) => {
        const api = await ctx.api();
        const items = await listAll(async (pageSize, nextToken) => {
          const page = await ok(api.GET('/v1/users', { params: { query: { pageSize, nextToken } } }));
          return { items: page.users, nextToken: page.nextToken };
        }, o.limit);
        printList(ctx.io, o, USER_VIEW, items);
      }),
    );

  withOutput(group.command('update').description('change a user (admins): name, role, disable (all their keys stop at once)').argument('<user>', 'id'))
    .option('--display-name <text>', 'display name')
    .option('--role <role>', 'ROOT|ADMIN|MEMBER')
    .option('--disable', 'disable the user')
    .option('--enable', 'enable the user again')
    .action(
      action(runtime, async (ctx, [ref], o: OutputOptions & { displayName?: string; role?: string; disable?: boolean; enable?: boolean }) => {
        if (o.disable && o.enable) throw new UsageError('--disable and --enable: choose one');
        const body: Schemas['UpdateUserDto'] = {
          ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
          ...(o.role !== undefined ? { role: role(o.role) } : {}),
          ...(o.disable || o.enable ? { disabled: Boolean(o.disable) } : {}),
        };
        if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give --display-name, --role, --disable or --enable');
        const api = await ctx.api();
        printOne(ctx.io, o, USER_VIEW, await ok(api.PATCH('/v1/users/{id}', { params: { path: { id: await userId(api, ref!) } }, body })));
      }),
    );

  return group;
}
