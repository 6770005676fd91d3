// Entry of the `nav_bar` location (assets/nav_bar.html): the admin screen.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { NavBar } from '../nav-bar/NavBar.tsx';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ClientProvider>
        <AppThemeProvider>
          <NavBar />
        </AppThemeProvider>
      </ClientProvider>
    </StrictMode>,
  );
}
