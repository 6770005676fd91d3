// AdminProvider: what every tab of the admin screen shares — the API clients, the caller, and
// the installation's settings (with the requirements checklist), which the Setup tab updates.
import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from '../../../shared/schemas/api.ts';
import type { AdminApi, SettingsResponse } from '../api/admin-api.ts';
import type { ZendeskApi } from '../api/zendesk-api.ts';

export interface AdminContextValue {
  api: AdminApi;
  zendesk: ZendeskApi;
  me: Me;
  settings: SettingsResponse;
  setSettings: (next: SettingsResponse) => void;
}

const AdminContext = createContext<AdminContextValue | undefined>(undefined);

/** `value` should be memoised by the caller (NavBar) so tabs re-render only on real changes. */
export function AdminProvider({ value, children }: { value: AdminContextValue; children: ReactNode }) {
  return <AdminContext.Provider value={value}>{children}</AdminContext.Provider>;
}

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (value === undefined) throw new Error('useAdmin must be used inside <AdminProvider>');
  return value;
}
