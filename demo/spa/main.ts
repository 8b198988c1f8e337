// A single-page app that uses the widget the way an npm user does: it imports the package by
// name. Two client-side routes swap the page content; the widget stays mounted across them.
import 'inkeep-chat/define';

const pages: Record<string, { title: string; body: string }> = {
  '/spa/': {
    title: 'Welcome to Acme App',
    body: 'This page is rendered by a client-side router. Open the chat, ask something, then go to Pricing: the conversation stays.',
  },
  '/spa/pricing': {
    title: 'Pricing',
    body: 'Acme App is free for small teams. The chat widget on this page is the same element, still holding your conversation.',
  },
};

const chat = document.querySelector('inkeep-chat');
const serverUrl = document.querySelector<HTMLMetaElement>('meta[name="inkeep-server"]')?.content;
chat?.setAttribute('base-url', serverUrl ?? 'http://127.0.0.1:3003');

function show(path: string) {
  const page = pages[path] ?? pages['/spa/'];
  const outlet = document.getElementById('outlet');
  if (!page || !outlet) return;
  const heading = document.createElement('h1');
  heading.textContent = page.title;
  const text = document.createElement('p');
  text.textContent = page.body;
  outlet.replaceChildren(heading, text);
  document.title = `${page.title} · Acme App`;
}

document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-route]');
  if (!link) return;
  event.preventDefault();
  history.pushState(null, '', link.pathname);
  show(link.pathname);
});
addEventListener('popstate', () => show(location.pathname));
show(location.pathname);
