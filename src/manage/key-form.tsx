import { useState } from 'preact/hooks';
import type { ApiKeyInput, KeyType, Scope } from '../contract/api-key.ts';
import { FormActions } from './form-actions.tsx';
import { ManageApiError } from './manage-api-error.ts';
import { useAction } from './use-action.ts';

type Field = 'name' | 'type' | 'scopes' | 'expiresIn' | 'allowedIps' | 'rateLimit' | 'agentId';

const fields: Record<Field, true> = {
  name: true,
  type: true,
  scopes: true,
  expiresIn: true,
  allowedIps: true,
  rateLimit: true,
  agentId: true,
};

const scopeLabels: Record<Scope, string> = {
  chat: 'chat — chat completions',
  read: 'read — read conversations',
  manage: 'manage — apps and keys (this dashboard)',
};

const typeLabels: Record<KeyType, string> = {
  service: 'Service — for a backend; every manager sees it',
  personal: 'Personal — only you (and the environment admin) see and manage it',
  temporary: 'Temporary — expires within 24 hours',
};

/** Lifetimes offered for a new key. */
export const expiries = [
  ['', 'Never'],
  ['1d', '1 day'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['365d', '1 year'],
] as const;

/** Lifetimes offered for a temporary key (at most 24 h). */
export const temporaryExpiries = [
  ['', '24 hours'],
  ['1h', '1 hour'],
  ['4h', '4 hours'],
  ['12h', '12 hours'],
] as const;

/**
 * Defines a new API key: name, type, scopes, expiry, allowed IPs, rate limit and agent. Refusals
 * appear next to the field the server names; nothing typed is lost.
 */
export function KeyForm({
  onSubmit,
  onCancel,
}: {
  onSubmit: (input: ApiKeyInput) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [keyType, setKeyType] = useState<KeyType>('service');
  const [scopes, setScopes] = useState<Scope[]>(['chat']);
  const [expiresIn, setExpiresIn] = useState('');
  const [allowedIps, setAllowedIps] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [agentId, setAgentId] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const action = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (!scopes.length) found.scopes = 'Choose at least one scope.';
    if (rateLimit.trim() && !/^\d+$/.test(rateLimit.trim())) {
      found.rateLimit = 'Enter a whole number of requests per minute, or leave it empty.';
    }
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) return document.getElementById(`key-${first}`)?.focus();
    const input: ApiKeyInput = { name: name.trim(), scopes };
    if (keyType !== 'service') input.type = keyType;
    if (expiresIn) input.expiresIn = expiresIn;
    const ips = allowedIps.split(/[\s,]+/).filter(Boolean);
    if (ips.length) input.allowedIps = ips;
    if (rateLimit.trim()) input.rateLimit = Number(rateLimit.trim());
    if (agentId.trim()) input.agentId = agentId.trim();
    const refusal = await action.refusalOf(() => onSubmit(input));
    const field = refusal instanceof ManageApiError ? refusal.field : undefined;
    if (refusal instanceof ManageApiError && field && field in fields) {
      setErrors({ [field]: refusal.message });
      action.clear();
      document.getElementById(`key-${field}`)?.focus();
    }
  };

  const invalid = (field: Field) =>
    errors[field]
      ? { 'aria-invalid': 'true' as const, 'aria-describedby': `key-${field}-error` }
      : {};
  const error = (field: Field) =>
    errors[field] && (
      <p class="error" id={`key-${field}-error`} role="alert">
        {errors[field]}
      </p>
    );
  return (
    <form class="key-form" onSubmit={submit} noValidate aria-label="New API key">
      <label for="key-name">Name</label>
      <input
        id="key-name"
        value={name}
        maxLength={100}
        {...invalid('name')}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      {error('name')}
      <label for="key-type">Type</label>
      <select
        id="key-type"
        value={keyType}
        {...invalid('type')}
        onChange={(event) => {
          const next = event.currentTarget.value as KeyType;
          setKeyType(next);
          // A lifetime of the other list is not offered any more: start from its first.
          setExpiresIn('');
        }}
      >
        {(Object.keys(typeLabels) as KeyType[]).map((value) => (
          <option key={value} value={value}>
            {typeLabels[value]}
          </option>
        ))}
      </select>
      {error('type')}
      <fieldset id="key-scopes" tabIndex={-1} {...invalid('scopes')}>
        <legend>Scopes</legend>
        {(Object.keys(scopeLabels) as Scope[]).map((scope) => (
          <div class="check" key={scope}>
            <input
              id={`key-scope-${scope}`}
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) =>
                setScopes((list) =>
                  event.currentTarget.checked
                    ? [...list, scope]
                    : list.filter((item) => item !== scope),
                )
              }
            />
            <label for={`key-scope-${scope}`}>{scopeLabels[scope]}</label>
          </div>
        ))}
        {error('scopes')}
      </fieldset>
      <label for="key-expiresIn">Expires after</label>
      <select
        id="key-expiresIn"
        value={expiresIn}
        {...invalid('expiresIn')}
        onChange={(event) => setExpiresIn(event.currentTarget.value)}
      >
        {(keyType === 'temporary' ? temporaryExpiries : expiries).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {error('expiresIn')}
      <label for="key-allowedIps">Allowed IPs (optional)</label>
      <textarea
        id="key-allowedIps"
        rows={2}
        value={allowedIps}
        spellcheck={false}
        placeholder="203.0.113.7, 10.0.0.0/8"
        {...invalid('allowedIps')}
        onInput={(event) => setAllowedIps(event.currentTarget.value)}
      />
      {error('allowedIps')}
      <label for="key-rateLimit">Rate limit, requests per minute (optional)</label>
      <input
        id="key-rateLimit"
        inputMode="numeric"
        value={rateLimit}
        {...invalid('rateLimit')}
        onInput={(event) => setRateLimit(event.currentTarget.value)}
      />
      {error('rateLimit')}
      <label for="key-agentId">Bound to agent (optional)</label>
      <input
        id="key-agentId"
        value={agentId}
        spellcheck={false}
        {...invalid('agentId')}
        onInput={(event) => setAgentId(event.currentTarget.value)}
      />
      {error('agentId')}
      <FormActions label="Create key" action={action} onCancel={onCancel} />
    </form>
  );
}
