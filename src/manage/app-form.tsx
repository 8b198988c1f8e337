import { useState } from 'preact/hooks';
import type { App, AppInput, AppType } from '../contract/app.ts';
import { maxSystemPromptLength } from '../contract/app-limits.ts';
import { type DomainEntry, DomainListField, domainError } from './domain-list-field.tsx';
import { FormActions } from './form-actions.tsx';
import { ManageApiError } from './manage-api-error.ts';
import {
  type SigningKeyEntry,
  SigningKeysField,
  signingKeyEntries,
  signingKeyError,
  toSigningKeys,
} from './signing-keys-field.tsx';
import { useAction } from './use-action.ts';

type Field = 'name' | 'type' | 'defaultAgentId' | 'allowAnonymous' | 'systemPrompt' | 'audience';

const fieldOf: Record<string, Field> = {
  name: 'name',
  type: 'type',
  defaultAgentId: 'defaultAgentId',
  'config.webClient.allowAnonymous': 'allowAnonymous',
  'config.systemPrompt': 'systemPrompt',
  'config.webClient.audience': 'audience',
  'config.webClient.signingKeys': 'audience',
};

/**
 * Creates or edits an app: name, type, allowed domains (checked in the browser as typed),
 * anonymous sessions, signed-in visitors' keys, default agent and the agent's system prompt. Nothing typed is lost when
 * the server refuses it; its message appears next to the field it names.
 */
export function AppForm({
  app,
  idPrefix,
  onSubmit,
  onCancel,
}: {
  app?: App | undefined;
  idPrefix: string;
  onSubmit: (input: AppInput) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(app?.name ?? '');
  const [type, setType] = useState<AppType>(app?.type ?? 'web_client');
  const [defaultAgentId, setDefaultAgentId] = useState(app?.defaultAgentId ?? 'default');
  const [allowAnonymous, setAllowAnonymous] = useState(
    app?.config.webClient.allowAnonymous ?? true,
  );
  const savedPrompt = app?.config.systemPrompt ?? '';
  const [systemPrompt, setSystemPrompt] = useState(savedPrompt);
  const [domains, setDomains] = useState<DomainEntry[]>(
    (app?.config.webClient.allowedDomains ?? ['']).map((value) => ({ value, touched: !!app })),
  );
  const [signingKeys, setSigningKeys] = useState<SigningKeyEntry[]>(
    signingKeyEntries(app?.config.webClient.signingKeys),
  );
  const savedAudience = app?.config.webClient.audience ?? '';
  const [audience, setAudience] = useState(savedAudience);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [nameMissing, setNameMissing] = useState(false);
  const action = useAction();
  const id = (field: string) => `${idPrefix}-${field}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    // The server's earlier refusals are asked again; the browser's own checks come first.
    const checked = domains.map((entry) => ({ ...entry, touched: true, serverError: undefined }));
    setDomains(checked);
    setFieldErrors({});
    setNameMissing(!name.trim());
    const checkedKeys = signingKeys.map((entry) => ({
      ...entry,
      touched: true,
      serverError: undefined,
    }));
    setSigningKeys(checkedKeys);
    const firstBad = checked.findIndex((entry) => domainError(entry));
    const firstBadKey = checkedKeys.findIndex((entry) => signingKeyError(entry));
    if (!name.trim()) return document.getElementById(id('name'))?.focus();
    if (firstBad >= 0) return document.getElementById(id(`domain-${firstBad}`))?.focus();
    if (firstBadKey >= 0) {
      return document.getElementById(id(`signing-key-${firstBadKey}-kid`))?.focus();
    }
    const { keys, positions } = toSigningKeys(checkedKeys);
    // Blank entries are dropped; remember where the rest sit to place the server's messages.
    const kept = checked.flatMap((entry, index) => (entry.value.trim() ? [index] : []));
    const input: AppInput = {
      name: name.trim(),
      type,
      defaultAgentId: defaultAgentId.trim() || 'default',
      config: {
        webClient: {
          allowedDomains: kept.map((index) => checked[index]?.value.trim() ?? ''),
          allowAnonymous,
          // Sent when there are keys or were: an empty list removes them all.
          ...(keys.length || app?.config.webClient.signingKeys?.length
            ? { signingKeys: keys }
            : {}),
          ...(audience.trim() !== savedAudience ? { audience: audience.trim() || null } : {}),
        },
        // Sent only when changed; emptied, it is removed.
        ...(systemPrompt !== savedPrompt
          ? { systemPrompt: systemPrompt.trim() ? systemPrompt : null }
          : {}),
      },
    };
    const refusal = await action.refusalOf(() => onSubmit(input));
    if (!(refusal instanceof ManageApiError) || !refusal.field) return;
    const message = refusal.message;
    const domainIndex = /^config\.webClient\.allowedDomains\[(\d+)\]$/.exec(refusal.field)?.[1];
    if (domainIndex !== undefined) {
      const at = kept[Number(domainIndex)] ?? 0;
      setDomains(
        checked.map((entry, index) => (index === at ? { ...entry, serverError: message } : entry)),
      );
      action.clear();
      return;
    }
    const keyIndex = /^config\.webClient\.signingKeys\[(\d+)\]/.exec(refusal.field)?.[1];
    if (keyIndex !== undefined) {
      const at = positions[Number(keyIndex)] ?? 0;
      setSigningKeys(
        checkedKeys.map((entry, index) =>
          index === at ? { ...entry, serverError: message } : entry,
        ),
      );
      action.clear();
      return;
    }
    const field = fieldOf[refusal.field];
    if (field) {
      setFieldErrors({ [field]: refusal.message });
      action.clear();
    }
  };

  const describedBy = (field: Field) => (fieldErrors[field] ? `${id(field)}-error` : undefined);
  const fieldError = (field: Field) =>
    fieldErrors[field] && (
      <p class="error" id={`${id(field)}-error`} role="alert">
        {fieldErrors[field]}
      </p>
    );
  const nameError = nameMissing ? 'Enter a name.' : fieldErrors.name;
  return (
    <form
      class="app-form"
      onSubmit={submit}
      noValidate
      aria-label={app ? `Edit ${app.name}` : 'New app'}
    >
      <label for={id('name')}>Name</label>
      <input
        id={id('name')}
        value={name}
        maxLength={200}
        aria-invalid={nameError ? 'true' : undefined}
        aria-describedby={nameError ? `${id('name')}-error` : undefined}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      {nameError && (
        <p class="error" id={`${id('name')}-error`} role="alert">
          {nameError}
        </p>
      )}
      <label for={id('type')}>Type</label>
      <select
        id={id('type')}
        value={type}
        aria-describedby={describedBy('type')}
        onChange={(event) => setType(event.currentTarget.value as AppType)}
      >
        <option value="web_client">Web client (the chat widget on a site)</option>
        <option value="api">API (server to server)</option>
      </select>
      {fieldError('type')}
      <DomainListField idPrefix={idPrefix} entries={domains} onChange={setDomains} />
      <div class="check">
        <input
          id={id('anonymous')}
          type="checkbox"
          checked={allowAnonymous}
          aria-describedby={describedBy('allowAnonymous')}
          onChange={(event) => setAllowAnonymous(event.currentTarget.checked)}
        />
        <label for={id('anonymous')}>Allow anonymous visitors (no sign-in)</label>
      </div>
      {fieldError('allowAnonymous')}
      <SigningKeysField
        idPrefix={idPrefix}
        entries={signingKeys}
        onChange={setSigningKeys}
        audience={audience}
        onAudienceChange={setAudience}
        audienceError={fieldErrors.audience}
      />
      <label for={id('agent')}>Default agent</label>
      <input
        id={id('agent')}
        value={defaultAgentId}
        spellcheck={false}
        aria-invalid={fieldErrors.defaultAgentId ? 'true' : undefined}
        aria-describedby={describedBy('defaultAgentId')}
        onInput={(event) => setDefaultAgentId(event.currentTarget.value)}
      />
      {fieldError('defaultAgentId')}
      <label for={id('system-prompt')}>System prompt</label>
      <p class="note" id={`${id('system-prompt')}-hint`}>
        Instructions the agent gives the model before each conversation. Visitors never see them and
        cannot replace them. Up to {maxSystemPromptLength} characters; leave empty for none.
      </p>
      <textarea
        id={id('system-prompt')}
        rows={5}
        value={systemPrompt}
        maxLength={maxSystemPromptLength}
        aria-invalid={fieldErrors.systemPrompt ? 'true' : undefined}
        aria-describedby={[`${id('system-prompt')}-hint`, describedBy('systemPrompt')]
          .filter(Boolean)
          .join(' ')}
        onInput={(event) => setSystemPrompt(event.currentTarget.value)}
      />
      {fieldError('systemPrompt')}
      <FormActions
        label={app ? 'Save changes' : 'Create app'}
        action={action}
        onCancel={onCancel}
      />
    </form>
  );
}
