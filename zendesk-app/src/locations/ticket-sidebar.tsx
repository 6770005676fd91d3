// Entry of the `ticket_sidebar` location (assets/ticket_sidebar.html).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TicketSidebar } from '../ticket-sidebar/TicketSidebar.tsx';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ClientProvider>
        <AppThemeProvider>
          <TicketSidebar />
        </AppThemeProvider>
      </ClientProvider>
    </StrictMode>,
  );
}
