// Entry of the `nav_bar` location: the admin screen. The worker serves this page at
// {WORKER_URL}/app/nav_bar after verifying Zendesk's signed load, with the session in a meta tag.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { NavBar } from '../nav-bar/NavBar.tsx';
import { SessionProvider } from '../session/session-provider.tsx';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppThemeProvider>
        <SessionProvider>
          <ClientProvider>
            <NavBar />
          </ClientProvider>
        </SessionProvider>
      </AppThemeProvider>
    </StrictMode>,
  );
}
