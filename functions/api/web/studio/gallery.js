import { html } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';
import { VideoCard } from './video-card.js';

/** The tenant's videos, newest first, a page at a time. */
export function Gallery({
  client,
  models,
  videos,
  hasMore,
  loading,
  failure,
  onMore,
  onRefresh,
  onCreated,
  onGone,
  announce,
}) {
  return html`
    <section class="panel" aria-labelledby="gallery-title" aria-busy=${loading ? 'true' : 'false'}>
      <div class="heading">
        <h2 id="gallery-title" tabindex="-1">Your videos</h2>
        <button type="button" onClick=${onRefresh} disabled=${loading}>Refresh</button>
      </div>
      ${failure && html`<p class="error" role="alert"><strong>${failure.message}</strong> ${adviceFor(failure.code, failure.retryAfter)}</p>`}
      ${!loading && videos.length === 0 && !failure && html`<p>No videos yet: describe one above.</p>`}
      <ul class="gallery">
        ${videos.map(
          (video) => html`<li key=${video.id}>
            <${VideoCard} video=${video} client=${client} models=${models} onCreated=${onCreated}
              onGone=${onGone} announce=${announce} />
          </li>`,
        )}
      </ul>
      ${hasMore && html`<button type="button" onClick=${onMore} disabled=${loading}>Show older videos</button>`}
    </section>`;
}
