import { useState } from 'preact/hooks';

/** Copies `text` to the clipboard and says so; its accessible name is `label`. */
export function CopyButton({
  text,
  label,
  clipboard = globalThis.navigator?.clipboard,
}: {
  text: string;
  label: string;
  clipboard?: Pick<Clipboard, 'writeText'> | undefined;
}) {
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      if (!clipboard) throw new Error('no clipboard');
      await clipboard.writeText(text);
      setStatus('Copied');
    } catch {
      setStatus('Could not copy: select the text and copy it');
    }
  };
  return (
    <span class="copy">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span class="note" role="status">
        {status}
      </span>
    </span>
  );
}
