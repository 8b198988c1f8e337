import { useState } from 'preact/hooks';
import type { ApiKeyUpdate, ApiKeyView } from '../contract/api-key.ts';
import { FormActions } from './form-actions.tsx';
import { formatDate } from './format-date.ts';
import { expiries, temporaryExpiries } from './key-form.tsx';
import { ManageApiError } from './manage-api-error.ts';
import { useAction } from './use-action.ts';

type Field = 'name' | 'allowedIps' | 'rateLimit' | 'expiry' | 'alertThreshold';

// The server's field names, as they start its refusals, and where each is shown.
const serverFields: Record<string, Field> = {
  name: 'name',
  allowedIps: 'allowedIps',
  rateLimit: 'rateLimit',
  expiresIn: 'expiry',
  expiresAt: 'expiry',
  alertThreshold: 'alertThreshold',
};

const splitIps = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const sameList = (left: string[], right: string[]) =>
  left.length === right.length && left.every((entry, index) => entry === right[index]);

/**
 * Changes an existing key: name, allowed IPs, rate limit, expiry and usage-alert threshold.
 * Only what changed is sent; a refusal appears next to the field the server names, and nothing
 * typed is lost.
 */
export function KeyEditForm({
  apiKey,
  onSubmit,
  onCancel,
}: {
  apiKey: ApiKeyView;
  onSubmit: (update: ApiKeyUpdate) => Promise<unknown>;
  onCancel: () => void;
}) {
  const prefix = `edit-${apiKey.id}`;
  const [name, setName] = useState(apiKey.name);
  const [allowedIps, setAllowedIps] = useState(apiKey.allowedIps.join(', '));
  const [rateLimit, setRateLimit] = useState(apiKey.rateLimit ? String(apiKey.rateLimit) : '');
  const [expiry, setExpiry] = useState('keep');
  const [threshold, setThreshold] = useState(
    apiKey.alertThreshold ? String(apiKey.alertThreshold) : '',
  );
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const action = useAction();
  const temporary = apiKey.type === 'temporary';
  const lifetimes = temporary
    ? temporaryExpiries.map(([value, label]) => [value || '24h', label] as const)
    : expiries.map(([value, label]) => [value || 'never', label] as const);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (rateLimit.trim() && !/^\d+$/.test(rateLimit.trim())) {
      found.rateLimit = 'Enter a whole number of requests per minute, or leave it empty.';
    }
    const percent = Number(threshold.trim());
    if (threshold.trim() && (!/^\d+$/.test(threshold.trim()) || percent < 1 || percent > 100)) {
      found.alertThreshold = 'Enter a percent from 1 to 100, or leave it empty for no alert.';
    }
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) return document.getElementById(`${prefix}-${first}`)?.focus();

    const update: ApiKeyUpdate = {};
    if (name.trim() !== apiKey.name) update.name = name.trim();
    const ips = splitIps(allowedIps);
    if (!sameList(ips, apiKey.allowedIps)) update.allowedIps = ips;
    const limit = rateLimit.trim() ? Number(rateLimit.trim()) : null;
    if (limit !== apiKey.rateLimit) update.rateLimit = limit;
    if (expiry === 'never') update.expiresAt = null;
    else if (expiry !== 'keep') update.expiresIn = expiry;
    const alertThreshold = threshold.trim() ? percent : null;
    if (alertThreshold !== apiKey.alertThreshold) update.alertThreshold = alertThreshold;
    if (Object.keys(update).length === 0) return onCancel();

    const refusal = await action.refusalOf(() => onSubmit(update));
    const field = refusal instanceof ManageApiError ? refusal.field : undefined;
    const shown = field ? serverFields[field] : undefined;
    if (refusal instanceof ManageApiError && shown) {
      setErrors({ [shown]: refusal.message });
      action.clear();
      document.getElementById(`${prefix}-${shown}`)?.focus();
    }
  };

  const invalid = (field: Field) =>
    errors[field]
      ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${prefix}-${field}-error` }
      : {};
  const error = (field: Field) =>
    errors[field] && (
      <p class="error" id={`${prefix}-${field}-error`} role="alert">
        {errors[field]}
      </p>
    );
  return (
    <form class="key-form" onSubmit={submit} noValidate aria-label={`Edit ${apiKey.name}`}>
      <label for={`${prefix}-name`}>Name</label>
      <input
        id={`${prefix}-name`}
        value={name}
        maxLength={100}
        {...invalid('name')}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      {error('name')}
      <label for={`${prefix}-allowedIps`}>Allowed IPs (empty: any)</label>
      <textarea
        id={`${prefix}-allowedIps`}
        rows={2}
        value={allowedIps}
        spellcheck={false}
        placeholder="203.0.113.7, 10.0.0.0/8"
        {...invalid('allowedIps')}
        onInput={(event) => setAllowedIps(event.currentTarget.value)}
      />
      {error('allowedIps')}
      <label for={`${prefix}-rateLimit`}>Rate limit, requests per minute (empty: default)</label>
      <input
        id={`${prefix}-rateLimit`}
        inputMode="numeric"
        value={rateLimit}
        {...invalid('rateLimit')}
        onInput={(event) => setRateLimit(event.currentTarget.value)}
      />
      {error('rateLimit')}
      <label for={`${prefix}-expiry`}>Expires</label>
      <select
        id={`${prefix}-expiry`}
        value={expiry}
        {...invalid('expiry')}
        onChange={(event) => setExpiry(event.currentTarget.value)}
      >
        <option value="keep">Keep: {formatDate(apiKey.expiresAt)}</option>
        {lifetimes.map(([value, label]) => (
          <option key={value} value={value}>
            {value === 'never' ? 'Never' : `${label} from now`}
          </option>
        ))}
      </select>
      {error('expiry')}
      <label for={`${prefix}-alertThreshold`}>
        Usage alert at this percent of the rate limit (empty: off)
      </label>
      <input
        id={`${prefix}-alertThreshold`}
        inputMode="numeric"
        value={threshold}
        {...invalid('alertThreshold')}
        onInput={(event) => setThreshold(event.currentTarget.value)}
      />
      {error('alertThreshold')}
      <FormActions label="Save changes" action={action} onCancel={onCancel} />
    </form>
  );
}
