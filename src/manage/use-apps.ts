import { useCallback, useEffect, useState } from 'preact/hooks';
import type { App } from '../contract/app.ts';
import type { ManageClient } from './create-manage-client.ts';
import { useAction } from './use-action.ts';

/** The signed-in project's apps, loaded on mount; `reload` loads them again. */
export function useApps(client: ManageClient) {
  const [apps, setApps] = useState<App[] | undefined>(undefined);
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setApps(await client.listApps());
      }),
    [client, load.run],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  return { apps, setApps, load, reload };
}
