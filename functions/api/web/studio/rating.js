import { html, useEffect, useRef, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';

/** The guide's criteria, each an optional 1–5 score beside the overall rating. */
export const CRITERIA = [
  ['visual_quality', 'Visual quality'],
  ['prompt_adherence', 'Prompt adherence'],
  ['consistency', 'Consistency'],
  ['narrative', 'Narrative'],
];
const SCALE = [1, 2, 3, 4, 5];

/** One 1–5 radio group; an optional one also offers "Not rated", which clears it. */
function Scale({ name, legend, value, onChange, optional }) {
  const choice = (n, label) => html`<label class="choice">
    <input type="radio" name=${name} value=${n} checked=${value === n} required=${!optional}
      onChange=${() => onChange(n)} />
    <span>${label}</span>
  </label>`;
  return html`<fieldset class="scale">
    <legend>${legend}</legend>
    ${optional && choice(null, 'Not rated')}
    ${SCALE.map((n) => choice(n, String(n)))}
  </fieldset>`;
}

/** What was saved, in one line: the overall rating, the criteria given, the comment. */
function summary(feedback) {
  const scores = CRITERIA.filter(([key]) => feedback[key] !== null).map(
    ([key, title]) => `${title} ${feedback[key]}`,
  );
  return [`${feedback.rating} of 5`, ...scores].join(' · ');
}

/**
 * The calling key's rating of a completed video (POST/GET /v1/videos/{id}/feedback): loaded with
 * the card, so it is there after a reload; saving again replaces it.
 */
export function Rating({ client, video, announce }) {
  const [saved, setSaved] = useState();
  const [loaded, setLoaded] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState();
  const form = useRef();
  const toggle = useRef();
  const refocus = useRef(false);

  useEffect(() => {
    let current = true;
    client
      .feedback(video.id)
      .then((feedback) => current && setSaved(feedback))
      .catch((error) => current && error.status !== 404 && setProblem(error))
      .finally(() => current && setLoaded(true));
    return () => {
      current = false;
    };
  }, [client, video.id]);

  // opening the form takes the focus to its first choice; closing it, back to the button that opened it
  useEffect(() => {
    if (editing) form.current?.querySelector('input')?.focus();
    else if (refocus.current) toggle.current?.focus();
    refocus.current = false;
  }, [editing]);

  const open = () => {
    setDraft({ comment: '', ...saved });
    setProblem(undefined);
    setEditing(true);
  };
  const close = () => {
    refocus.current = true;
    setEditing(false);
  };
  const set = (key) => (value) => setDraft((d) => ({ ...d, [key]: value }));
  const save = async (event) => {
    event.preventDefault();
    if (busy) return;
    if (!draft.rating) {
      setProblem({ message: 'Choose an overall rating from 1 to 5.' });
      form.current?.querySelector('input')?.focus();
      return;
    }
    const body = { rating: draft.rating };
    for (const [key] of CRITERIA) if (draft[key]) body[key] = draft[key];
    if (draft.comment?.trim()) body.comment = draft.comment.trim();
    setBusy(true);
    setProblem(undefined);
    try {
      setSaved(await client.rate(video.id, body));
      announce(`Rating saved: ${body.rating} of 5.`);
      close();
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  const name = (key) => `${key}-${video.id}`;
  const problemLine =
    problem &&
    html`<p class="error" role="alert"><strong>${problem.message}</strong> ${problem.code ? adviceFor(problem.code, problem.retryAfter) : ''}</p>`;

  if (!editing) {
    return html`<div class="rating">
      ${
        saved &&
        html`<p class="rated"><span class="rated-label">Your rating:</span> ${summary(saved)}
          ${saved.comment && html`<q class="rated-comment">${saved.comment}</q>`}</p>`
      }
      ${problemLine}
      <button type="button" ref=${toggle} disabled=${!loaded} onClick=${open}>
        ${saved ? 'Change rating' : 'Rate'}
      </button>
    </div>`;
  }
  return html`<form class="rating" ref=${form} onSubmit=${save} novalidate
    aria-label=${`Rate: ${video.prompt}`}>
    <${Scale} name=${name('rating')} legend="Overall (1 poor, 5 excellent)" value=${draft.rating}
      onChange=${set('rating')} />
    ${CRITERIA.map(
      ([key, title]) => html`<${Scale} key=${key} name=${name(key)} legend=${`${title} (optional)`}
        value=${draft[key] ?? null} onChange=${set(key)} optional />`,
    )}
    <label for=${name('comment')}>Comment (optional)</label>
    <textarea id=${name('comment')} name="comment" rows="2" maxlength="500" value=${draft.comment}
      onInput=${(e) => set('comment')(e.currentTarget.value)}></textarea>
    ${problemLine}
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
        ${busy ? 'Saving…' : 'Save rating'}
      </button>
      <button type="button" onClick=${close}>Cancel</button>
    </div>
  </form>`;
}
