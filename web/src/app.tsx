import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso/router';
import { CSRF_HEADER, api, onSignedOut, unwrap } from './api.js';
import { ErrorNotice, Loading } from './components/ui.js';
import { asApiError } from './hooks.js';
import type { ApiError } from './lib/api-error.js';
import { Permissions, type Action, type Resource } from './lib/permissions.js';
import { AliasEditPage, AliasesPage } from './pages/aliases.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { AuditPage } from './pages/audit.js';
import { NotFoundPage } from './pages/not-found.js';
import { OverviewPage } from './pages/overview.js';
import { PlaygroundPage } from './pages/playground.js';
import { RerankerEditPage, RerankersPage } from './pages/rerankers.js';
import { SignIn } from './pages/sign-in.js';
import { UsagePage } from './pages/usage.js';
import { UsersPage } from './pages/users.js';
import { SessionContext, type ConsoleSession } from './session.js';

interface NavItem {
  readonly href: string;
  readonly label: string;
  /** Shown when the key holds any of these. */
  readonly needs: ReadonlyArray<readonly [Action, Resource]>;
}

const NAV: readonly NavItem[] = [
  { href: '/console/', label: 'Overview', needs: [] },
  { href: '/console/rerankers', label: 'Rerankers', needs: [['LIST', 'RERANKER']] },
  { href: '/console/playground', label: 'Playground', needs: [['EXECUTE', 'RERANKER'], ['EXECUTE', 'ALIAS']] },
  { href: '/console/aliases', label: 'Aliases', needs: [['LIST', 'ALIAS']] },
  { href: '/console/keys', label: 'API keys', needs: [['LIST', 'APIKEY']] },
  { href: '/console/users', label: 'Users', needs: [['LIST', 'USER']] },
  { href: '/console/usage', label: 'Limits and usage', needs: [['READ', 'USAGE'], ['READ', 'LIMITS']] },
  { href: '/console/audit', label: 'Audit log', needs: [['READ', 'AUDIT']] },
];

export function App() {
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const [failure, setFailure] = useState<ApiError>();

  useEffect(() => {
    unwrap(api.GET('/v1/console/session')).then(
      ({ data }) => setSession(data),
      (error: unknown) => {
        const apiError = asApiError(error);
        if (apiError.status === 401) setSession(null);
        else setFailure(apiError);
      },
    );
    return onSignedOut(() => setEnded(true));
  }, []);

  if (failure) return <ErrorNotice error={failure} title="The console could not start" />;
  if (session === undefined) return <Loading what="the console" />;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return (
    <LocationProvider scope="/console">
      <SignedIn
        session={session}
        ended={ended}
        onSignedIn={(next) => {
          // Another key may hold other permissions: start over with it.
          if (next.apiKeyId !== session.apiKeyId) window.location.reload();
          setEnded(false);
          setSession(next);
        }}
        onSignedOut={() => setSession(null)}
      />
    </LocationProvider>
  );
}

function SignedIn({ session, ended, onSignedIn, onSignedOut }: { session: ConsoleSession; ended: boolean; onSignedIn(session: ConsoleSession): void; onSignedOut(): void }) {
  const permissions = useMemo(() => new Permissions(session.permissions), [session]);
  const location = useLocation();
  const context = useMemo(
    () => ({
      session,
      permissions,
      signOut: async () => {
        await unwrap(api.DELETE('/v1/console/session', { params: { header: { [CSRF_HEADER]: '1' } } })).catch(() => undefined);
        onSignedOut();
      },
    }),
    [session, permissions, onSignedOut],
  );
  const visible = NAV.filter((item) => item.needs.length === 0 || item.needs.some(([action, resource]) => permissions.can(action, resource)));
  return (
    <SessionContext.Provider value={context}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <div class="shell" inert={ended}>
        <header class="topbar">
          <span class="brand">reranker-registry</span>
          <span class="who">
            {session.user.email} · {session.user.role} · key {session.keyPrefix}
          </span>
          <button type="button" class="link-button" onClick={() => void context.signOut()}>
            Sign out
          </button>
        </header>
        <nav class="sidebar" aria-label="Main">
          <ul>
            {visible.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(location.path, item.href) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Router>
            <Route path="/console/" component={OverviewPage} />
            <Route path="/console/rerankers" component={RerankersPage} />
            <Route path="/console/rerankers/new" component={RerankerEditPage} />
            <Route path="/console/rerankers/:id" component={RerankerEditPage} />
            <Route path="/console/playground" component={PlaygroundPage} />
            <Route path="/console/aliases" component={AliasesPage} />
            <Route path="/console/aliases/new" component={AliasEditPage} />
            <Route path="/console/aliases/:name" component={AliasEditPage} />
            <Route path="/console/keys" component={ApiKeysPage} />
            <Route path="/console/users" component={UsersPage} />
            <Route path="/console/usage" component={UsagePage} />
            <Route path="/console/audit" component={AuditPage} />
            <Route default component={NotFoundPage} />
          </Router>
        </main>
      </div>
      {ended && <SignIn onSignedIn={onSignedIn} modal />}
    </SessionContext.Provider>
  );
}

function isCurrent(path: string, href: string): boolean {
  if (href === '/console/') return path === '/console/' || path === '/console';
  return path === href || path.startsWith(`${href}/`);
}
