/**
 * The page at `/`: type a prompt, watch progress, play the result. Plain HTML and fetch against the
 * same public API; the API key stays in the browser's localStorage.
 */
export const webPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reelay</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { margin-bottom: .25rem; } p.lead { margin-top: 0; color: #555; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input, textarea, select, button { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem; }
  textarea { min-height: 6rem; } .row { display: flex; gap: .75rem; } .row > div { flex: 1; }
  button { margin-top: 1rem; background: #1d1d1f; color: #fff; border: 0; border-radius: .4rem; cursor: pointer; }
  button:disabled { opacity: .5; } progress { width: 100%; } video { width: 100%; margin-top: 1rem; background: #000; }
  #status { margin-top: 1rem; } .error { color: #b00020; }
</style>
</head>
<body>
<h1>Reelay</h1>
<p class="lead">Text (or an image) to video, through fal, archived to your bucket.</p>
<form id="form">
  <label for="key">API key</label>
  <input id="key" type="password" autocomplete="off" placeholder="rly_…" required>
  <label for="prompt">Prompt</label>
  <textarea id="prompt" required placeholder="A red fox running through fresh snow at dawn, cinematic"></textarea>
  <div class="row">
    <div><label for="model">Model</label><select id="model"></select></div>
    <div><label for="seconds">Seconds</label><select id="seconds"></select></div>
    <div><label for="size">Size</label><select id="size"></select></div>
  </div>
  <button id="go" type="submit">Generate</button>
</form>
<div id="status" role="status"></div>
<progress id="bar" max="100" value="0" hidden></progress>
<video id="player" controls hidden></video>
<script type="module">
const $ = (id) => document.getElementById(id);
const key = $('key'); key.value = localStorage.getItem('reelay.key') ?? '';
const auth = () => ({ Authorization: 'Bearer ' + key.value.trim() });
let models = [];
const show = (text, isError = false) => { $('status').textContent = text; $('status').className = isError ? 'error' : ''; };
const fill = (select, values, chosen) => { select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen))); };
function pickModel() {
  const m = models.find((x) => x.id === $('model').value); if (!m) return;
  fill($('seconds'), m.seconds, m.default_seconds); fill($('size'), m.sizes.map((s) => s.size), m.default_size);
}
async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...auth(), ...(init.headers ?? {}) } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? res.statusText);
  return body;
}
async function loadModels() {
  if (!key.value.trim()) return;
  try { models = (await api('/v1/models')).data; fill($('model'), models.map((m) => m.id)); pickModel(); }
  catch (e) { show(e.message, true); }
}
$('model').onchange = pickModel;
key.onchange = () => { localStorage.setItem('reelay.key', key.value.trim()); loadModels(); };
$('form').onsubmit = async (event) => {
  event.preventDefault(); localStorage.setItem('reelay.key', key.value.trim());
  $('go').disabled = true; $('player').hidden = true; $('bar').hidden = false; $('bar').value = 0;
  try {
    let video = await api('/v1/videos', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: $('prompt').value, model: $('model').value, seconds: $('seconds').value, size: $('size').value }) });
    while (video.status === 'queued' || video.status === 'in_progress') {
      show(video.id + ': ' + video.status.replace('_', ' ') + ' (' + video.progress + '%)'); $('bar').value = video.progress;
      await new Promise((r) => setTimeout(r, 2000));
      video = await api('/v1/videos/' + video.id);
    }
    if (video.status === 'failed') throw new Error('Failed: ' + video.error.code + ': ' + video.error.message);
    $('bar').value = 100; show(video.id + ': completed');
    const res = await fetch('/v1/videos/' + video.id + '/content', { headers: auth() });
    if (!res.ok) throw new Error('Download failed: ' + res.status);
    $('player').src = URL.createObjectURL(await res.blob()); $('player').hidden = false; $('player').play();
  } catch (e) { show(e.message, true); } finally { $('go').disabled = false; $('bar').hidden = true; }
};
loadModels();
</script>
</body>
</html>
`;
