// The signed-in demo page: asks the site's backend who is signed in, then adds the widget with a
// getAuthToken that fetches a fresh token from that backend each time the widget calls it (before
// its session expires, after a 401). Signed out, getAuthToken is null: an anonymous visitor.
const status = document.getElementById('account-status');
const form = document.getElementById('sign-in');
const nameInput = document.getElementById('user-name');
const signOut = document.getElementById('sign-out');
const slot = document.getElementById('chat');
const json = { 'content-type': 'application/json' };

/** The widget, made once the page knows who is signed in, so that it starts as that visitor. */
let chat = null;

async function chatToken() {
  const response = await fetch('/demo/chat-token', { method: 'POST' });
  if (!response.ok) throw new Error(`The site did not sign a token (${response.status})`);
  return response.text();
}

function show(user, signInAvailable = true) {
  status.textContent = user
    ? `Signed in as ${user.name}. The chat knows who you are.`
    : signInAvailable
      ? 'Not signed in: you chat as an anonymous visitor.'
      : 'Sign-in is off: this demo site was started without its signing key. Start the demo with npm start.';
  form.hidden = !!user || !signInAvailable;
  signOut.hidden = !user;
  if (!chat) {
    chat = document.createElement('inkeep-chat');
    chat.setAttribute('mode', 'inline');
    chat.setAttribute('app-id', 'app_demo');
    chat.setAttribute('base-url', slot.dataset.baseUrl);
    chat.getAuthToken = user ? chatToken : null;
    slot.append(chat);
  } else {
    chat.getAuthToken = user ? chatToken : null;
  }
}

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: json, body: JSON.stringify(body) });
  if (!response.ok && response.status !== 204) {
    const { error } = await response.json().catch(() => ({ error: response.statusText }));
    throw new Error(error);
  }
  return response.status === 204 ? null : response.json();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { user } = await post('/demo/sign-in', { name: nameInput.value });
    nameInput.value = '';
    show(user);
  } catch (error) {
    status.textContent = `Could not sign in: ${error.message}`;
  }
});

signOut.addEventListener('click', async () => {
  try {
    await post('/demo/sign-out', {});
    show(null);
    form.querySelector('input').focus();
  } catch (error) {
    status.textContent = `Could not sign out: ${error.message}`;
  }
});

const session = await (await fetch('/demo/session')).json();
show(session.user, session.signIn);
