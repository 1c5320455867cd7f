import { useState } from 'preact/hooks';
import { api, body, type Schemas } from '../api.js';
import { ErrorNotice, Field, Loading, Notice, Pager, TextField, formatTime } from '../components/ui.js';
import { asApiError, useLoad, usePaging } from '../hooks.js';
import { fieldErrorsOf, type ApiError } from '../lib/api-error.js';
import { useSession } from '../session.js';

type Role = Schemas['UserRole'];
type User = Schemas['UserResponse'];
const PAGE_SIZE = 25;
const ROLES: Role[] = ['MEMBER', 'ADMIN', 'ROOT'];

function CreateUser({ onCreated }: { onCreated(): void }) {
  const { session } = useSession();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    try {
      const user = await body(api.POST('/v1/users', { body: { email: email.trim(), displayName, role } }));
      setDone(`${user.email} created. Create a key for them on the API keys page (user id ${user.userId}).`);
      setEmail('');
      setDisplayName('');
      onCreated();
    } catch (failure) {
      const error = asApiError(failure);
      const { fields, form } = fieldErrorsOf(error, ['email', 'displayName', 'role']);
      setErrors(fields);
      setFormError(form ? error : undefined);
    }
  };
  return (
    <section class="panel" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Create a user</h2>
      <form class="form" onSubmit={(e) => void submit(e)} aria-label="Create a user" noValidate>
        <div class="row">
          <TextField label="Email" type="email" value={email} onValue={setEmail} error={errors.email} required />
          <TextField label="Display name" value={displayName} onValue={setDisplayName} error={errors.displayName} required />
          <Field label="Role" error={errors.role}>
            {(aria) => (
              <select {...aria} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                {ROLES.filter((r) => r !== 'ROOT' || session.user.role === 'ROOT').map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ErrorNotice error={formError} />
        {done && <Notice tone="success">{done}</Notice>}
        <div class="actions">
          <button type="submit" class="primary">
            Create user
          </button>
        </div>
      </form>
    </section>
  );
}

function UserRow({ user, onChanged }: { user: User; onChanged(): void }) {
  const { session, permissions } = useSession();
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<ApiError>();
  const self = user.userId === session.user.userId;
  const canUpdate = permissions.can('UPDATE', 'USER') && !self;
  const patch = async (changes: { role?: Role; disabled?: boolean }) => {
    setError(undefined);
    try {
      await body(api.PATCH('/v1/users/{id}', { params: { path: { id: user.userId } }, body: changes }));
      onChanged();
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  return (
    <tr>
      <td>
        {user.email}
        {self ? ' (you)' : ''}
      </td>
      <td>{user.displayName}</td>
      <td>
        {canUpdate ? (
          <span class="nowrap">
            <select aria-label={`Role of ${user.email}`} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.filter((r) => r !== 'ROOT' || session.user.role === 'ROOT' || user.role === 'ROOT').map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>{' '}
            {role !== user.role && (
              <button type="button" onClick={() => void patch({ role })}>
                Save role
              </button>
            )}
          </span>
        ) : (
          user.role
        )}
      </td>
      <td>{user.disabled ? `disabled ${formatTime(user.disabledAt)}` : 'active'}</td>
      <td>
        {canUpdate && (
          <button type="button" class={user.disabled ? '' : 'danger'} onClick={() => void patch({ disabled: !user.disabled })} aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}>
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
        {error && (
          <span class="field-error" role="alert">
            {' '}
            {error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { permissions } = useSession();
  const paging = usePaging('users');
  const page = useLoad(() => body(api.GET('/v1/users', { params: { query: { pageSize: PAGE_SIZE, ...(paging.token ? { nextToken: paging.token } : {}) } } })), [paging.token]);
  if (!permissions.can('LIST', 'USER')) return <ErrorNotice error="This key may not list users." />;
  return (
    <section>
      <h1>Users</h1>
      {permissions.can('CREATE', 'USER') && <CreateUser onCreated={page.reload} />}
      <h2>All users</h2>
      <ErrorNotice error={page.error} />
      {!page.data ? (
        !page.error && <Loading what="users" />
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.users.map((user) => (
                <UserRow key={`${user.userId}-${user.updatedAt}`} user={user} onChanged={page.reload} />
              ))}
            </tbody>
          </table>
          <Pager page={paging.page} hasNext={Boolean(page.data.nextToken)} onNext={() => paging.next(page.data!.nextToken!)} onPrevious={paging.previous} />
        </>
      )}
    </section>
  );
}
