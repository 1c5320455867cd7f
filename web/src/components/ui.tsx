/** Small building blocks shared by every page: fields with their error, notices, buttons, paging. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { ApiError } from '../lib/api-error.js';

interface FieldProps {
  readonly label: string;
  readonly error?: string;
  readonly hint?: ComponentChildren;
  readonly children: (props: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren;
}

/** A labelled control whose API error is shown under it and announced with it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': 'true' as const } : {}), ...(described ? { 'aria-describedby': described } : {}) })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface InputProps {
  readonly value: string;
  onValue(value: string): void;
  readonly type?: 'text' | 'password' | 'url' | 'email' | 'datetime-local';
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly disabled?: boolean;
  readonly maxLength?: number;
  readonly inputMode?: 'numeric' | 'decimal' | 'text';
  readonly spellcheck?: boolean;
  readonly autoComplete?: string;
}

export function TextField({ label, error, hint, value, onValue, ...rest }: InputProps & { label: string; error?: string; hint?: ComponentChildren }) {
  // Preact types <input> as a union discriminated by `type`; these attributes fit every member.
  const attributes = rest as Record<string, unknown>;
  return (
    <Field label={label} error={error} hint={hint}>
      {(aria) => <input {...attributes} {...aria} value={value} onInput={(e) => onValue(e.currentTarget.value)} />}
    </Field>
  );
}

export function ErrorNotice({ error, title }: { error?: ApiError | string; title?: string }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  const code = typeof error === 'string' ? undefined : error.code;
  const requestId = typeof error === 'string' ? undefined : error.requestId;
  return (
    <div class="notice notice-error" role="alert">
      {title && <strong>{title}: </strong>}
      {message}
      {code && <span class="code"> ({code}{requestId ? `, request ${requestId}` : ''})</span>}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ComponentChildren; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div class={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function Pager({ page, hasNext, onNext, onPrevious }: { page: number; hasNext: boolean; onNext(): void; onPrevious(): void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={page <= 1}>
        Previous
      </button>
      <span>Page {page}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next
      </button>
    </nav>
  );
}

export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function Badge({ tone, children }: { tone: 'ok' | 'bad' | 'warn' | 'neutral'; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}
