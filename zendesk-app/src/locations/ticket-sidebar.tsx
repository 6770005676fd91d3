// Entry of the `ticket_sidebar` location. The worker serves this page at
// {WORKER_URL}/app/ticket_sidebar after verifying Zendesk's signed load, with the session in a
// meta tag.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider } from '../session/session-provider.tsx';
import { TicketSidebar } from '../ticket-sidebar/TicketSidebar.tsx';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppThemeProvider>
        <SessionProvider>
          <ClientProvider>
            <TicketSidebar />
          </ClientProvider>
        </SessionProvider>
      </AppThemeProvider>
    </StrictMode>,
  );
}
