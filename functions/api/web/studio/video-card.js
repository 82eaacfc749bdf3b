import { html, useEffect, useRef, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';
import { ExtendForm } from './extend-form.js';
import { Rating } from './rating.js';
import { statusLine, timing } from './time.js';

/** What fal billed once the video ended, else the estimate. */
export function cost(video) {
  if (video.cost_basis === 'not_billed') return 'not billed';
  if (video.cost_basis === 'actual' && typeof video.cost_usd === 'number') {
    return `cost $${video.cost_usd.toFixed(2)} (estimated $${video.estimated_cost_usd.toFixed(2)})`;
  }
  return `about $${video.estimated_cost_usd.toFixed(2)}`;
}
const isActive = (video) => video.status === 'queued' || video.status === 'in_progress';

/** The current time, ticking each second while `on`: elapsed and time left move without a request. */
function useNow(on) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/** A button that asks once more before it acts; the question takes the focus. */
function Confirmed({ label, question, yes, onConfirm, disabled }) {
  const [asking, setAsking] = useState(false);
  const yesButton = useRef();
  useEffect(() => {
    if (asking) yesButton.current?.focus();
  }, [asking]);
  if (!asking) {
    return html`<button type="button" disabled=${disabled} onClick=${() => setAsking(true)}>${label}</button>`;
  }
  return html`<span class="confirm" role="group" aria-label=${question}>
    <span>${question}</span>
    <button type="button" class="danger" ref=${yesButton} onClick=${() => {
      setAsking(false);
      onConfirm();
    }}>${yes}</button>
    <button type="button" onClick=${() => setAsking(false)}>Keep it</button>
  </span>`;
}

/** Where a video came from, when it was made from others: an extension, an edit, a sequence's merge. */
function lineage(video) {
  if (video.extended_from_video_id) return `extends ${video.extended_from_video_id}`;
  if (video.remixed_from_video_id) return `edit of ${video.remixed_from_video_id}`;
  if (video.sequence_id) return `sequence ${video.sequence_id}`;
  return undefined;
}

/** One video: its progress while it runs, then play, download, extend and delete, or why it failed. */
export function VideoCard({ video, client, models, onCreated, onGone, announce }) {
  const active = isActive(video);
  const now = useNow(active);
  const [url, setUrl] = useState();
  const [problem, setProblem] = useState();
  const [working, setWorking] = useState(false);
  const [extending, setExtending] = useState(false);
  const extendButton = useRef();
  const previous = useRef(video.status);
  useEffect(() => {
    if (previous.current === video.status) return;
    previous.current = video.status;
    if (video.status === 'completed') announce(`Video ready: ${video.prompt}`);
    if (video.status === 'failed') announce(`Video failed: ${video.error?.message ?? ''}`);
  }, [video.status]);

  const act = async (what) => {
    setWorking(true);
    setProblem(undefined);
    try {
      await what();
    } catch (error) {
      setProblem(error);
    } finally {
      setWorking(false);
    }
  };
  const play = () => act(async () => setUrl((await client.contentUrl(video.id)).url));
  const download = () =>
    act(async () => {
      // the presigned URL answers with Content-Disposition: attachment, so the page stays
      window.location.assign((await client.contentUrl(video.id)).url);
    });
  const remove = (verb) =>
    act(async () => {
      await client.remove(video.id);
      announce(`${verb}: ${video.prompt}`);
      onGone(video.id);
      // the focused button went with the card: keyboard users continue from the list's heading
      document.getElementById('gallery-title')?.focus();
    });
  const closeExtend = () => {
    setExtending(false);
    // back to the button that opened the form, for keyboard users
    setTimeout(() => extendButton.current?.focus());
  };
  const origin = lineage(video);
  const titleId = `title-${video.id}`;
  const created = new Date(video.created_at * 1000).toLocaleString();

  return html`
    <article class=${`video ${video.status}`} aria-labelledby=${titleId}>
      ${url && html`<video class="player" src=${url} controls autoplay muted playsinline aria-label=${`Video: ${video.prompt}`}></video>`}
      <h3 id=${titleId} class="prompt">${video.prompt}</h3>
      <p class="meta">
        <span class=${`badge ${video.status}`} aria-live="polite">${statusLine(video)}</span>
        <span>${video.model}${video.style ? ` · ${video.style}` : ''} · ${video.seconds} s · ${video.size} · ${cost(video)}</span>
        <span><time datetime=${new Date(video.created_at * 1000).toISOString()}>${created}</time></span>
        ${origin && html`<span class="lineage">${origin}</span>`}
      </p>
      ${
        active &&
        html`<div class="progress">
          <progress max="100" value=${video.progress} aria-labelledby=${titleId}>${video.progress} %</progress>
          <p class="percent"><span>${video.progress} %</span> <span class="timing">${timing(video, now)}</span></p>
        </div>`
      }
      ${
        video.status === 'failed' &&
        html`<p class="error">
          <strong>${video.error?.message ?? 'The video failed.'}</strong> ${adviceFor(video.error?.code)}
        </p>`
      }
      ${problem && html`<p class="error" role="alert"><strong>${problem.message}</strong> ${adviceFor(problem.code, problem.retryAfter)}</p>`}
      ${video.status === 'completed' && html`<${Rating} client=${client} video=${video} announce=${announce} />`}
      ${
        extending &&
        html`<${ExtendForm} client=${client} video=${video} models=${models} onCreated=${onCreated}
          onClose=${closeExtend} announce=${announce} />`
      }
      <div class="actions">
        ${video.status === 'completed' && !url && html`<button type="button" class="primary" disabled=${working} onClick=${play}>Play</button>`}
        ${video.status === 'completed' && html`<button type="button" disabled=${working} onClick=${download}>Download</button>`}
        ${
          video.status === 'completed' &&
          !extending &&
          html`<button type="button" ref=${extendButton} disabled=${working} onClick=${() => setExtending(true)}>Extend</button>`
        }
        ${
          active
            ? html`<${Confirmed} label="Cancel" question="Cancel this video? It is removed." yes="Yes, cancel"
                disabled=${working} onConfirm=${() => remove('Cancelled')} />`
            : html`<${Confirmed} label="Delete" question="Delete this video for good?" yes="Yes, delete"
                disabled=${working} onConfirm=${() => remove('Deleted')} />`
        }
      </div>
    </article>`;
}
