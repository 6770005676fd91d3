// The ticket sidebar's strings: only the sections it shows, imported by name so the bundler
// leaves the admin screen's strings out of the sidebar (vite.config.ts keeps JSON tree-shakable).
import { common, errors, reasons, recipient_kind, session, sidebar, status } from '../../translations/en.json';
import { registerTranslations } from './t.ts';

registerTranslations({ common, errors, reasons, recipient_kind, session, sidebar, status });
