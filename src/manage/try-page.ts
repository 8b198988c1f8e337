import './manage.css';
import './manage-layout.css';

/** Mounts the widget for the app in `?app=`, talking to this server, on the try page. */
export function mountTryPage(doc: Document = document, origin = location.origin): void {
  const appId = new URLSearchParams(doc.location?.search ?? '').get('app') ?? '';
  const label = doc.getElementById('try-app');
  const place = doc.getElementById('try-widget');
  if (!place || !/^app_[A-Za-z0-9_-]{1,64}$/.test(appId)) {
    const note = doc.getElementById('try-note');
    if (note) note.textContent = 'No app named: open this page from the dashboard’s “Try it” link.';
    return;
  }
  if (label) label.textContent = appId;
  doc.title = `Try ${appId} · Inkeep chat manage`;
  const element = doc.createElement('inkeep-chat');
  element.setAttribute('app-id', appId);
  element.setAttribute('base-url', origin);
  element.setAttribute('mode', 'inline');
  element.setAttribute('title', appId);
  place.append(element);
  // The widget's own script-tag bundle, served next to this page.
  const script = doc.createElement('script');
  script.src = '/manage/inkeep-chat.js';
  doc.head.append(script);
}

mountTryPage();
