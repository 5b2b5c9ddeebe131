import { $, api, ApiError, renderHeader, saveSession, session, showError } from '/app.js';

const params = new URLSearchParams(location.search);
const next = params.get('next');
const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : null;

async function signIn(user) {
  const { token } = await api('POST', '/api/dev/token', { user });
  saveSession(user, token);
  if (safeNext) location.href = safeNext;
  else location.reload();
}

$('#dev-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('#error').textContent = '';
  try {
    await signIn($('#handle').value.trim());
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $('#no-dev').hidden = false;
      $('#token-handle').value = $('#handle').value.trim();
      $('#token').focus();
    } else {
      showError($('#error'), error);
    }
  }
});

$('#token-form').addEventListener('submit', e => {
  e.preventDefault();
  saveSession($('#token-handle').value.trim(), $('#token').value.trim());
  location.href = safeNext ?? '/';
});

$('#live-form').addEventListener('submit', e => {
  e.preventDefault();
  location.href = '/live/' + encodeURIComponent($('#live-id').value.trim());
});

$('#campaign-form').addEventListener('submit', e => {
  e.preventDefault();
  location.href = '/campaigns/' + encodeURIComponent($('#campaign-id').value.trim());
});

renderHeader('Community');
const current = session();
// `/?as=maya&next=/console`: the demo prints links that sign in as one of its users.
const as = params.get('as');
if (as && (!current || current.user !== as)) {
  $('#handle').value = as;
  signIn(as).catch(error => showError($('#error'), error));
} else if (current) {
  if (safeNext) location.replace(safeNext);
  $('#handle').value = current.user;
  $('#go').hidden = false;
} else {
  $('#handle').focus();
}
