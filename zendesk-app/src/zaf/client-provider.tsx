// ClientProvider: creates the ZAF client once, waits for `app.registered`, then exposes the client
// and the installation metadata to the tree. Renders nothing until the app is registered (as
// Zendesk's React scaffold does).
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ZafClient, ZafMetadata } from './types.ts';

export interface ClientContextValue {
  client: ZafClient;
  metadata: ZafMetadata;
}

const ClientContext = createContext<ClientContextValue | undefined>(undefined);

export interface ClientProviderProps {
  /** Injected in tests; in Zendesk the client comes from the CDN script's `ZAFClient.init()`. */
  client?: ZafClient;
  children: ReactNode;
}

function initClient(): ZafClient {
  if (!window.ZAFClient) {
    throw new Error('ZAFClient is not loaded: the ZAF SDK script tag is missing from the location HTML');
  }
  return window.ZAFClient.init();
}

export function ClientProvider({ client: injected, children }: ClientProviderProps) {
  const client = useMemo(() => injected ?? initClient(), [injected]);
  const [metadata, setMetadata] = useState<ZafMetadata | null>(null);

  useEffect(() => {
    let active = true;
    // `metadata()` resolves once the app is registered (immediately when it already is), which
    // also covers a registration that happened before this effect subscribed.
    const onRegistered = () => {
      void client.metadata().then((m) => {
        if (active) setMetadata(m);
      });
    };
    client.on('app.registered', onRegistered);
    onRegistered();
    return () => {
      active = false;
      client.off('app.registered', onRegistered);
    };
  }, [client]);

  const value = useMemo(() => (metadata ? { client, metadata } : undefined), [client, metadata]);
  if (!value) return null;
  return <ClientContext.Provider value={value}>{children}</ClientContext.Provider>;
}

export function useClient(): ClientContextValue {
  const value = useContext(ClientContext);
  if (value === undefined) throw new Error('useClient must be used inside <ClientProvider>');
  return value;
}
