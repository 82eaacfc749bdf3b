import { html, useCallback, useEffect, useState } from '/assets/vendor/htm-preact.js';
import { adviceFor } from './advice.js';

const PERIODS = [7, 30, 90, 365];
const DAY_MS = 86_400_000;

const percent = (rate) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);
const duration = (s) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);
const usd = (n) => `$${n.toFixed(2)}`;
const rating = (r) => (r.rating === null ? '—' : `${r.rating.toFixed(1)} of 5 (${r.count})`);
/** What a group cost: fal's bill where it was recorded, the estimate for the rest. */
const spent = (s) =>
  s.spend.actual_usd + s.spend.estimated_usd - s.spend.estimated_usd_of_jobs_with_actual_cost;

/** A bar beside the figure it draws: the text is what is read out, the meter is for the eye. */
function Bar({ value, max, text }) {
  return html`<span class="bar"><meter min="0" max=${max || 1} value=${value ?? 0} aria-hidden="true"></meter>
    <span>${text}</span></span>`;
}

/** One group per row: success rate, median time to ready, spend and rating, each with a bar. */
function GroupTable({ id, caption, groups, label }) {
  if (!groups.length) return html`<p id=${id}>No videos ended in this period.</p>`;
  const slowest = Math.max(...groups.map((g) => g.time_to_completed_seconds.p50 ?? 0));
  const dearest = Math.max(...groups.map(spent));
  return html`<div class="table-scroll">
    <table id=${id} class="stats">
      <caption>${caption}</caption>
      <thead>
        <tr>
          <th scope="col">${label}</th>
          <th scope="col">Ended</th>
          <th scope="col">Success rate</th>
          <th scope="col">Time to ready (median)</th>
          <th scope="col">Spend</th>
          <th scope="col">Rating</th>
        </tr>
      </thead>
      <tbody>
        ${groups.map(
          (g) => html`<tr key=${g.key}>
            <th scope="row">${g.key}</th>
            <td>${g.jobs}</td>
            <td><${Bar} value=${g.success_rate} max=${1} text=${percent(g.success_rate)} /></td>
            <td><${Bar} value=${g.time_to_completed_seconds.p50} max=${slowest}
              text=${duration(g.time_to_completed_seconds.p50)} /></td>
            <td><${Bar} value=${spent(g)} max=${dearest} text=${usd(spent(g))} /></td>
            <td>${rating(g.ratings)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The tenant's statistics (GET /v1/stats): outcomes, times, spend and ratings, by model and by style. */
export function StatsPage({ client }) {
  const [days, setDays] = useState(30);
  const [byModel, setByModel] = useState();
  const [byStyle, setByStyle] = useState();
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState();

  const load = useCallback(async () => {
    setLoading(true);
    setFailure(undefined);
    const since = new Date(Date.now() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    try {
      const [model, style] = await Promise.all([
        client.stats({ since, group_by: 'model' }),
        client.stats({ since, group_by: 'style' }),
      ]);
      setByModel(model);
      setByStyle(style);
    } catch (error) {
      setFailure(error);
    } finally {
      setLoading(false);
    }
  }, [client, days]);
  useEffect(() => {
    load();
  }, [load]);

  const total = byModel?.total;
  return html`<section class="panel" aria-labelledby="stats-title" aria-busy=${loading ? 'true' : 'false'}>
    <div class="heading">
      <h2 id="stats-title">Statistics</h2>
      <button type="button" onClick=${load} disabled=${loading}>Refresh</button>
    </div>
    <label for="period">Period</label>
    <select id="period" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
      ${PERIODS.map((n) => html`<option value=${n}>Last ${n} days</option>`)}
    </select>
    <p class="hint">Videos that ended, by UTC day of creation${byModel ? `: ${byModel.since} to ${byModel.until}` : ''}.</p>
    ${failure && html`<p class="error" role="alert"><strong>${failure.message}</strong> ${adviceFor(failure.code, failure.retryAfter)}</p>`}
    ${
      total &&
      html`<dl class="totals">
        <div><dt>Ended</dt><dd>${total.jobs} (${total.completed} ready, ${total.failed} failed)</dd></div>
        <div><dt>Success rate</dt><dd>${percent(total.success_rate)}</dd></div>
        <div><dt>Time to ready</dt><dd>${`median ${duration(total.time_to_completed_seconds.p50)}, 9 in 10 within ${duration(total.time_to_completed_seconds.p90)}`}</dd></div>
        <div><dt>Spend</dt><dd>${`${usd(total.spend.actual_usd)} billed for ${total.spend.jobs_with_actual_cost} videos (estimated ${usd(total.spend.estimated_usd_of_jobs_with_actual_cost)}); ${usd(total.spend.estimated_usd)} estimated in all`}</dd></div>
        <div><dt>Rating</dt><dd>${rating(total.ratings)}</dd></div>
      </dl>`
    }
    ${byModel && html`<${GroupTable} id="stats-models" caption="By model" label="Model" groups=${byModel.groups ?? []} />`}
    ${byStyle && html`<${GroupTable} id="stats-styles" caption="By style" label="Style" groups=${byStyle.groups ?? []} />`}
  </section>`;
}
