// The admin screen's strings: the whole translation file. Read as text (a separate module from
// the named imports in sidebar-strings.ts), so it lands in the admin screen's bundle only.
import en from '../../translations/en.json?raw';
import { registerTranslations } from './t.ts';

registerTranslations(JSON.parse(en) as Record<string, unknown>);
