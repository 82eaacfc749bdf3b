import { html, useEffect, useRef, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';
import { idempotencyKey } from './api.js';

/** OpenAI's cap on one extension; the API refuses more with a 400 naming `seconds`. */
const MAX_EXTENSION_SECONDS = 20;

/**
 * Continue a completed video with a new prompt (POST /v1/videos/extensions): the new video, as long
 * as both, joins the top of the gallery and runs like any other.
 */
export function ExtendForm({ client, video, models, onCreated, onClose, announce }) {
  const lengths = (models.find((m) => m.id === video.model)?.seconds ?? []).filter(
    (s) => Number(s) <= MAX_EXTENSION_SECONDS,
  );
  const [prompt, setPrompt] = useState('');
  const [seconds, setSeconds] = useState(lengths[0] ?? '4');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState();
  // one key per opened form: a repeated click makes one extension
  const key = useRef(idempotencyKey());
  const field = useRef();
  useEffect(() => field.current?.focus(), []);

  const submit = async (event) => {
    event.preventDefault();
    if (busy) return;
    if (!prompt.trim()) {
      setProblem({ message: 'Say what happens next.' });
      field.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const made = await client.extend(
        { video: { id: video.id }, prompt: prompt.trim(), seconds },
        key.current,
      );
      announce(`Extension created: ${made.seconds} s in all. Its progress is under Your videos.`);
      onCreated(made);
      onClose();
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };
  const id = (name) => `${name}-${video.id}`;
  return html`<form class="extend" onSubmit=${submit} novalidate aria-label=${`Extend: ${video.prompt}`}>
    <label for=${id('extend-prompt')}>What happens next</label>
    <textarea id=${id('extend-prompt')} ref=${field} rows="2" maxlength="4000" value=${prompt}
      aria-invalid=${problem && !prompt.trim() ? 'true' : undefined}
      onInput=${(e) => setPrompt(e.currentTarget.value)}></textarea>
    <label for=${id('extend-seconds')}>Seconds to add</label>
    <select id=${id('extend-seconds')} value=${seconds} onChange=${(e) => setSeconds(e.currentTarget.value)}>
      ${lengths.map((s) => html`<option value=${s}>${s} s</option>`)}
    </select>
    <p class="hint">The new video is this one (${video.seconds} s) and the new part after it.</p>
    ${problem && html`<p class="error" role="alert"><strong>${problem.message}</strong> ${problem.code ? adviceFor(problem.code, problem.retryAfter) : ''}</p>`}
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
        ${busy ? 'Extending…' : 'Extend video'}
      </button>
      <button type="button" onClick=${onClose}>Cancel</button>
    </div>
  </form>`;
}
