import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeTokenFromLink } from './api/session';
import { App } from './App';
import './styles.css';

// Before the first render: a sign-in link's token leaves the address bar at once.
takeTokenFromLink(window.location, window.history);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
