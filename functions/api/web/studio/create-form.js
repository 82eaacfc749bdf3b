import { html, useEffect, useRef, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';
import { idempotencyKey } from './api.js';

const IMAGE_TYPES = 'image/png,image/jpeg,image/webp';
const MAX_FALLBACKS = 3;

/** The style presets (GET /v1/styles), or an empty list while they load or when they cannot. */
function useStyles(client) {
  const [styles, setStyles] = useState([]);
  useEffect(() => {
    let current = true;
    client
      .styles()
      .then((list) => current && setStyles(list.data))
      .catch(() => current && setStyles([]));
    return () => {
      current = false;
    };
  }, [client]);
  return styles;
}

/** A prompt, a model and only what that model offers, and an optional image to start from. */
export function CreateForm({ client, models, onCreated }) {
  const [modelId, setModelId] = useState(models[0]?.id ?? '');
  const model = models.find((m) => m.id === modelId) ?? models[0];
  const [prompt, setPrompt] = useState('');
  const [seconds, setSeconds] = useState(model?.default_seconds ?? '');
  const [size, setSize] = useState(model?.default_size ?? '');
  const [audio, setAudio] = useState(true);
  const [negative, setNegative] = useState('');
  const [seed, setSeed] = useState('');
  const [imageFile, setImageFile] = useState();
  const [imageUrl, setImageUrl] = useState('');
  const [preview, setPreview] = useState();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState();
  const allStyles = useStyles(client);
  const [styleId, setStyleId] = useState('');
  const [enhance, setEnhance] = useState(false);
  const [fallbacks, setFallbacks] = useState([]);
  const [enhanced, setEnhanced] = useState();
  const [previewing, setPreviewing] = useState(false);
  const [previewFailure, setPreviewFailure] = useState();
  const form = useRef();

  // a model offers its own seconds and sizes: switching resets them to its defaults
  const chooseModel = (id) => {
    const next = models.find((m) => m.id === id);
    setModelId(id);
    setSeconds(next?.default_seconds ?? '');
    setSize(next?.default_size ?? '');
    setFallbacks((chosen) => chosen.filter((m) => m !== id));
    if (!next?.styles.some((s) => s.id === styleId)) setStyleId('');
  };
  // the styles this model takes (each leaves it a shorter prompt), with their titles and descriptions
  const styles = allStyles.filter((s) => model?.styles.some((offered) => offered.id === s.id));
  const style = styles.find((s) => s.id === styleId);
  const maxPrompt =
    model?.styles.find((s) => s.id === styleId)?.max_prompt_length ?? model?.max_prompt_length;
  const toggleFallback = (id, on) =>
    setFallbacks((chosen) => (on ? [...chosen.filter((m) => m !== id), id] : chosen.filter((m) => m !== id)));
  const previewEnhanced = async () => {
    if (previewing) return;
    setPreviewing(true);
    setPreviewFailure(undefined);
    setEnhanced(undefined);
    try {
      const fields = { prompt, model: model.id };
      if (styleId) fields.style = styleId;
      setEnhanced(await client.enhance(fields));
    } catch (error) {
      setPreviewFailure(error);
    } finally {
      setPreviewing(false);
    }
  };
  useEffect(() => {
    if (!imageFile) return setPreview(undefined);
    const url = URL.createObjectURL(imageFile);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [imageFile]);

  // a preview shows what one prompt, model and style make: it goes when any of them changes
  useEffect(() => {
    setEnhanced(undefined);
    setPreviewFailure(undefined);
  }, [prompt, styleId, modelId]);

  // a refusal takes the focus to the field it names, or to the message once it is on the page
  useEffect(() => {
    if (!failure) return;
    const named = failure.param && form.current?.querySelector(`[name="${CSS.escape(failure.param)}"]`);
    (named ?? form.current?.querySelector('.form-error'))?.focus();
  }, [failure]);

  const offers = (option) => model?.options.includes(option);
  const submit = async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    const fields = { prompt, model: model.id, seconds, size };
    if (offers('generate_audio')) fields.generate_audio = audio;
    if (offers('negative_prompt') && negative.trim()) fields.negative_prompt = negative.trim();
    if (offers('seed') && seed !== '') fields.seed = Number(seed);
    if (!imageFile && imageUrl.trim()) fields.image_url = imageUrl.trim();
    if (styleId) fields.style = styleId;
    if (enhance && model.prompt_enhancement) fields.enhance_prompt = true;
    if (fallbacks.length) fields.fallback_models = fallbacks;
    try {
      const video = await client.create(fields, imageFile, idempotencyKey());
      setPrompt('');
      setEnhanced(undefined);
      onCreated(video);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (name) =>
    failure?.param === name || (name === 'image' && failure?.param === 'input_reference');
  const describedBy = (name, hint) =>
    [hint, invalid(name) && 'create-error'].filter(Boolean).join(' ') || undefined;
  const onPromptKey = (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.current?.requestSubmit();
  };

  return html`
    <section class="panel" aria-labelledby="create-title">
      <h2 id="create-title">New video</h2>
      <form ref=${form} onSubmit=${submit} novalidate>
        <label for="prompt">Prompt</label>
        <textarea id="prompt" name="prompt" required rows="4" maxlength=${maxPrompt}
          placeholder="A red fox running through fresh snow at dawn, cinematic"
          value=${prompt} onInput=${(e) => setPrompt(e.currentTarget.value)} onKeyDown=${onPromptKey}
          aria-invalid=${invalid('prompt') ? 'true' : undefined} aria-describedby=${describedBy('prompt', 'prompt-hint')}></textarea>
        <p id="prompt-hint" class="hint">Describe the scene, the motion and the camera. Ctrl+Enter creates.</p>
        <div class="row">
          <div>
            <label for="model">Model</label>
            <select id="model" name="model" value=${model?.id} onChange=${(e) => chooseModel(e.currentTarget.value)}
              aria-invalid=${invalid('model') ? 'true' : undefined}>
              ${models.map((m) => html`<option value=${m.id}>${m.title}</option>`)}
            </select>
          </div>
          <div>
            <label for="seconds">Seconds</label>
            <select id="seconds" name="seconds" value=${seconds} onChange=${(e) => setSeconds(e.currentTarget.value)}
              aria-invalid=${invalid('seconds') ? 'true' : undefined}>
              ${model?.seconds.map((s) => html`<option value=${s}>${s} s</option>`)}
            </select>
          </div>
          <div>
            <label for="size">Size</label>
            <select id="size" name="size" value=${size} onChange=${(e) => setSize(e.currentTarget.value)}
              aria-invalid=${invalid('size') ? 'true' : undefined}>
              ${model?.sizes.map((s) => html`<option value=${s.size}>${s.size} (${s.aspect_ratio})</option>`)}
            </select>
          </div>
        </div>
        <div class="row">
          <div>
            <label for="style">Style</label>
            <select id="style" name="style" value=${styleId} onChange=${(e) => setStyleId(e.currentTarget.value)}
              aria-invalid=${invalid('style') ? 'true' : undefined} aria-describedby=${style ? 'style-hint' : undefined}>
              <option value="">None</option>
              ${styles.map((s) => html`<option value=${s.id}>${s.title}</option>`)}
            </select>
            ${style && html`<p id="style-hint" class="hint">${style.description}</p>`}
          </div>
        </div>
        ${
          model?.prompt_enhancement &&
          html`<fieldset>
            <legend>Prompt enhancement</legend>
            <label class="check"><input type="checkbox" name="enhance_prompt" checked=${enhance}
              onChange=${(e) => setEnhance(e.currentTarget.checked)} aria-describedby="enhance-hint" />
              Enhance the prompt</label>
            <p id="enhance-hint" class="hint">An LLM rewrites it first, after the prompting guide (subject, motion,
              camera, light); if it is unavailable the video is made from your prompt and says so.</p>
            <div class="actions">
              <button type="button" onClick=${previewEnhanced} disabled=${previewing || !prompt.trim()}
                aria-busy=${previewing ? 'true' : undefined}>${previewing ? 'Enhancing…' : 'Preview the enhanced prompt'}</button>
            </div>
            <div aria-live="polite">
              ${
                enhanced &&
                html`<dl class="enhanced">
                  <dt>Enhanced prompt</dt><dd>${enhanced.enhanced_prompt}</dd>
                  ${enhanced.style && html`<dt>Sent to the model, with the style</dt><dd>${enhanced.final_prompt}</dd>`}
                </dl>`
              }
            </div>
            ${
              previewFailure &&
              html`<p class="error" role="alert"><strong>${previewFailure.message}</strong> ${adviceFor(previewFailure.code, previewFailure.retryAfter)}</p>`
            }
          </fieldset>`
        }
        ${
          models.length > 1 &&
          html`<fieldset>
            <legend>Fallback models (optional, up to ${MAX_FALLBACKS})</legend>
            <p id="fallback-hint" class="hint">If ${model?.title} keeps failing for a reason that may pass (not a refused
              prompt), the video moves to these, in the order ticked${fallbacks.length ? `: ${fallbacks.map((id) => models.find((m) => m.id === id)?.title ?? id).join(', ')}` : ''}.</p>
            <div class="choices">
              ${models
                .filter((m) => m.id !== model?.id)
                .map(
                  (m) => html`<label class="check"><input type="checkbox" name="fallback_models" value=${m.id}
                    checked=${fallbacks.includes(m.id)}
                    disabled=${!fallbacks.includes(m.id) && fallbacks.length >= MAX_FALLBACKS}
                    onChange=${(e) => toggleFallback(m.id, e.currentTarget.checked)} /> ${m.title}</label>`,
                )}
            </div>
          </fieldset>`
        }
        <fieldset>
          <legend>Start from an image (optional)</legend>
          <div class="row">
            <div>
              <label for="image-file">Upload a PNG, JPEG or WebP</label>
              <input id="image-file" name="input_reference" type="file" accept=${IMAGE_TYPES}
                onChange=${(e) => setImageFile(e.currentTarget.files?.[0])}
                aria-invalid=${invalid('image') ? 'true' : undefined} />
            </div>
            <div>
              <label for="image-url">or an image URL</label>
              <input id="image-url" name="image_url" type="url" inputmode="url" placeholder="https://…"
                disabled=${Boolean(imageFile)} value=${imageUrl} onInput=${(e) => setImageUrl(e.currentTarget.value)}
                aria-invalid=${invalid('image_url') ? 'true' : undefined} />
            </div>
          </div>
          ${preview && html`<img class="preview" src=${preview} alt="The image the video starts from" />`}
        </fieldset>
        ${
          (offers('generate_audio') || offers('negative_prompt') || offers('seed')) &&
          html`<fieldset>
            <legend>Options of ${model.title}</legend>
            ${
              offers('generate_audio') &&
              html`<label class="check"><input type="checkbox" name="generate_audio" checked=${audio}
                onChange=${(e) => setAudio(e.currentTarget.checked)} /> Generate audio</label>`
            }
            ${
              offers('negative_prompt') &&
              html`<label for="negative">Avoid (negative prompt)</label>
                <input id="negative" name="negative_prompt" value=${negative} onInput=${(e) => setNegative(e.currentTarget.value)} />`
            }
            ${
              offers('seed') &&
              html`<label for="seed">Seed (the same seed repeats a result)</label>
                <input id="seed" name="seed" type="number" inputmode="numeric" min="-1" value=${seed}
                  onInput=${(e) => setSeed(e.currentTarget.value)} aria-invalid=${invalid('seed') ? 'true' : undefined} />`
            }
          </fieldset>`
        }
        ${
          failure &&
          html`<div id="create-error" class="form-error error" role="alert" tabindex="-1">
            <strong>${failure.message}</strong> ${adviceFor(failure.code, failure.retryAfter)}
          </div>`
        }
        <div class="actions">
          <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>
            ${busy ? 'Creating…' : 'Create video'}
          </button>
        </div>
      </form>
    </section>`;
}
