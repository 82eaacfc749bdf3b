import { html, render, useCallback, useEffect, useMemo, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';
import { createClient, forgetKey, storedKey, storeKey } from './api.js';
import { CreateForm } from './create-form.js';
import { Gallery } from './gallery.js';
import { useLiveVideos } from './live.js';
import { useActivePolling } from './poll.js';
import { SignIn } from './sign-in.js';
import { StatsPage } from './stats.js';

const ended = (video) => video.status === 'completed' || video.status === 'failed';

/** The studio page: make videos, watch them run, find them again. */
function StudioPage({ client, models, announce }) {
  const [videos, setVideos] = useState([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState();

  const load = useCallback(
    async (after) => {
      setLoading(true);
      setFailure(undefined);
      try {
        const page = await client.list(after);
        setVideos((shown) => (after ? [...shown, ...page.data] : page.data));
        setHasMore(page.has_more);
      } catch (error) {
        setFailure(error);
      } finally {
        setLoading(false);
      }
    },
    [client],
  );
  useEffect(() => {
    load();
  }, [load]);

  // a fresh page replaces the shown copies of the videos it holds; older pages stay as they are
  const onPage = useCallback((page) => {
    const fresh = new Map(page.data.map((video) => [video.id, video]));
    setVideos((shown) => shown.map((video) => fresh.get(video.id) ?? video));
  }, []);
  // the stream tells of every change (and of videos made elsewhere); polling only when it cannot connect
  const onVideo = useCallback((video) => {
    setVideos((shown) => {
      const current = shown.find((v) => v.id === video.id);
      // a greeting may cross a later event: a card never steps back from its end
      if (current) return shown.map((v) => (v === current && !(ended(v) && !ended(video)) ? video : v));
      // a video made elsewhere joins the top; an older one stays on its own page. Ids sort by creation
      // to the millisecond, as the list is paged (created_at is whole seconds: a same-second one is older)
      return !shown[0] || video.id > shown[0].id ? [video, ...shown] : shown;
    });
  }, []);
  const live = useLiveVideos(client, onVideo);
  useActivePolling(client, videos, onPage, !live);
  const onGone = useCallback((id) => setVideos((shown) => shown.filter((v) => v.id !== id)), []);
  const onMade = (video) => setVideos((shown) => [video, ...shown.filter((v) => v.id !== video.id)]);
  const onCreated = (video) => {
    onMade(video);
    announce('Video created: it is queued. Its progress is under Your videos.');
  };
  return html`
    <${CreateForm} client=${client} models=${models} onCreated=${onCreated} />
    <${Gallery} client=${client} models=${models} videos=${videos} hasMore=${hasMore} loading=${loading}
      failure=${failure} onMore=${() => load(videos.at(-1)?.id)} onRefresh=${() => load()}
      onCreated=${onMade} onGone=${onGone} announce=${announce} />`;
}

/**
 * Pages of the signed-in studio. Webhook endpoints and sequences join this list as their
 * APIs land; the navigation shows whatever is here.
 */
const PAGES = [
  { id: 'studio', title: 'Studio', Page: StudioPage },
  { id: 'stats', title: 'Statistics', Page: StatsPage },
];

function App() {
  const [key, setKey] = useState(storedKey());
  const [models, setModels] = useState();
  const [signInError, setSignInError] = useState();
  // the address's #page opens that page, so a reload or a link stays where it was
  const [pageId, setPageId] = useState(PAGES.find((p) => `#${p.id}` === location.hash)?.id ?? PAGES[0].id);
  const [message, setMessage] = useState('');
  const client = useMemo(() => (key ? createClient(key) : undefined), [key]);

  // the catalog doubles as the key check: a refused key goes back to sign-in with the reason
  useEffect(() => {
    if (!key) return;
    let current = true;
    createClient(key)
      .models()
      .then((list) => current && setModels(list.data))
      .catch((error) => {
        if (!current) return;
        if (error.status === 401) {
          forgetKey();
          setKey('');
        }
        setSignInError(`${error.message} ${adviceFor(error.code, error.retryAfter)}`);
      });
    return () => {
      current = false;
    };
  }, [key]);

  const signIn = (value) => {
    storeKey(value);
    setSignInError(undefined);
    setModels(undefined);
    setKey(value);
  };
  const signOut = () => {
    forgetKey();
    setKey('');
    setModels(undefined);
    setMessage('Signed out.');
  };
  const page = PAGES.find((p) => p.id === pageId) ?? PAGES[0];

  return html`
    <header class="top">
      <div class="brand">
        <h1>Reelay</h1>
        <p class="lead">Text or an image to video, archived to your own bucket.</p>
      </div>
      <nav aria-label="Main">
        <ul>
          ${
            key &&
            PAGES.map(
              (p) => html`<li><a href=${`#${p.id}`} aria-current=${p.id === page.id ? 'page' : undefined}
                onClick=${() => setPageId(p.id)}>${p.title}</a></li>`,
            )
          }
          <li><a href="/docs">API reference</a></li>
          ${key && html`<li><button type="button" onClick=${signOut}>Sign out</button></li>`}
        </ul>
      </nav>
    </header>
    <main id="main">
      ${!key && html`<${SignIn} onSignIn=${signIn} error=${signInError} />`}
      ${key && !models && !signInError && html`<p aria-busy="true">Loading the models…</p>`}
      ${key && !models && signInError && html`<p class="error" role="alert">${signInError}</p>`}
      ${key && models && html`<${page.Page} client=${client} models=${models} announce=${setMessage} />`}
    </main>
    <div class="visually-hidden" aria-live="polite" role="status">${message}</div>`;
}

render(html`<${App} />`, document.getElementById('app'));
