// The state and save of a form over part of the installation's settings (PATCH /v1/settings),
// shared by the Setup tab's settings and the Limits & privacy tab: the draft, its field errors
// (checked against the settings schema before the request, then the worker's own), and whether
// the last save worked.
import { useState } from 'react';
import { SettingsPatch, type Settings } from '../../../shared/schemas/settings.ts';
import type { SettingsPatchBody } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { fromApiFields, fromZodError, type FieldErrors } from '../lib/field-errors.ts';
import { useAdmin } from './admin-context.tsx';

export interface SettingsFormOptions<D> {
  /** The draft the form opens with: of the current settings, or one kept from the last session. */
  initial: (current: Settings) => D;
  /** The draft of saved settings (after a save). */
  fromSettings: (s: Settings) => D;
  /** Only what changed, so the PATCH and the audit name just those. */
  patchOf: (current: Settings, draft: D) => SettingsPatchBody;
  /** After a save that worked, or found nothing to change. */
  onSaved?: () => void;
}

export function useSettingsForm<D extends object>(opts: SettingsFormOptions<D>) {
  const { api, settings: response, setSettings } = useAdmin();
  const current = response.settings;
  const [draft, setDraft] = useState<D>(() => opts.initial(current));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  /** Changes one field; a "saved" note no longer holds. */
  const set = <K extends keyof D>(key: K, value: D[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };

  async function save() {
    setFailure(null);
    setSaved(false);
    const patch = opts.patchOf(current, draft);
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) return setErrors(fromZodError(parsed.error));
    setErrors({});
    if (Object.keys(patch).length === 0) {
      opts.onSaved?.();
      return setSaved(true);
    }
    setBusy(true);
    try {
      const next = await api.updateSettings(patch);
      setSettings(next);
      setDraft(opts.fromSettings(next.settings));
      opts.onSaved?.();
      setSaved(true);
    } catch (reason) {
      const error = toWorkerApiError(reason);
      setErrors(fromApiFields(error.fields));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return { current, draft, setDraft, set, errors, setErrors, failure, setFailure, saved, busy, save };
}
