// The supply dashboard's page: connects to the node in the address bar's `?node=` (or the
// form), reads the chain with ChainReader and renders what it reads. Everything shown is the
// chain's; `window.capaDashboard` exposes what was rendered (and from which block) to the
// browser test.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

import {
  annualized,
  BURN_CAUSES,
  burnedForCredits,
  burnedOf,
  capa,
  capaNumber,
  epochSeries,
  feederFreshness,
  MINT_CAUSES,
  mintedOf,
  percent,
  poolStatus,
  providerSummary,
} from './economy.js';
import { ChainReader } from './reader.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const DEFAULT_NODE = 'ws://127.0.0.1:9944';
const MINT_COLOURS = ['#2f6fd6', '#6fa1ee', '#1b9e77', '#999999'];
const BURN_COLOURS = ['#d95f02', '#e7298a', '#7570b3', '#a6761d', '#666666', '#bbbbbb'];
const LIMITED_KEPT = 20;

const $ = (id) => document.getElementById(id);
const state = {
  reader: null,
  snapshot: null,
  epochData: null,
  series: [],
  limited: [],
  started: performance.now(),
  firstDataMs: null,
};
window.capaDashboard = state;

/// Sets an element to CAPA text, keeping the exact plancks in `data-plancks` and the title.
function setCapa(id, plancks, { decimals = 4, suffix = ' CAPA', signed = false } = {}) {
  const el = $(id);
  const sign = signed && plancks > 0n ? '+' : '';
  el.textContent = `${sign}${capa(plancks, decimals)}${suffix}`;
  el.dataset.plancks = String(plancks);
  el.title = `${capa(plancks, 12)} CAPA`;
  el.classList.toggle('up', signed && plancks > 0n);
  el.classList.toggle('down', signed && plancks < 0n);
}

function setText(id, text) {
  $(id).textContent = text;
}

function showStatus(status) {
  const el = $('status');
  if (!status) {
    el.hidden = true;
    el.textContent = '';
    delete el.dataset.kind;
    return;
  }
  if (status.kind === 'upgraded') {
    $('notice').hidden = false;
    $('notice').textContent = status.text;
    $('notice').dataset.kind = status.kind;
    return;
  }
  el.hidden = false;
  el.className = status.level;
  el.dataset.kind = status.kind;
  el.textContent = status.text;
}

function rows(tbody, items) {
  tbody.replaceChildren(
    ...items.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        if (cell && typeof cell === 'object') {
          td.textContent = cell.text;
          if (cell.className) td.className = cell.className;
          if (cell.title) td.title = cell.title;
        } else {
          td.textContent = cell;
        }
        tr.append(td);
      }
      return tr;
    }),
  );
}

const short = (address) => ({ text: `${address.slice(0, 8)}…${address.slice(-6)}`, title: address, className: 'address' });

function renderBlock(s) {
  const staleStatus = $('status').dataset.kind;
  if (staleStatus === 'unreachable' || staleStatus === 'read') showStatus(null);
  state.snapshot = s;
  setText('where', `${state.reader.constants.chain} · spec ${s.specVersion} · block #${s.number.toLocaleString('en-US')}`);
  $('where').dataset.block = s.number;
  $('where').dataset.hash = s.hash;
  setCapa('issuance', s.issuance, { suffix: '' });
  setCapa('supply-cap', s.maxTotalSupply ?? 0n);
  if (s.maxTotalSupply === null) setText('supply-cap', 'none');

  const { blocksPerYear } = state.reader.constants;
  if (s.lastClosed) {
    const net = s.lastClosed.totalIssuanceAtClose - s.lastClosed.totalIssuanceAtOpen;
    setCapa('last-net', net, { signed: true });
    $('last-net').textContent += ` (${percent(annualized(net, s.epoch.length, blocksPerYear, s.lastClosed.totalIssuanceAtOpen))} a year)`;
  } else {
    setText('last-net', 'no epoch closed yet');
  }
  setCapa('open-net', s.issuance - s.open.totalIssuanceAtOpen, { signed: true });
  $('open-net').textContent += ` after ${s.number - s.epoch.start + 1} of ${s.epoch.length} blocks`;
  // Sums over the ledger once its lists are read for this block's epoch.
  const listsRead = state.epochData?.epoch === s.epoch.index;
  const first = state.series[0];
  if (first && listsRead) setCapa('ledger-net', s.issuance - state.epochData.ledger.find((e) => e.epoch === first.epoch).books.totalIssuanceAtOpen, { signed: true });
  if (listsRead) {
    setCapa('burned-credits', burnedForCredits(state.series, s.open));
  } else {
    setText('burned-credits', 'reading the ledger…');
    delete $('burned-credits').dataset.plancks;
  }

  setCapa('emission-per-block', s.emissionPerBlock);
  setCapa('controller-choice', s.controller.choice);
  setCapa('controller-burn', s.controller.smoothedBurnPerBlock);
  setText('controller-band', `${capa(s.controller.floor)} – ${capa(s.controller.ceiling)} CAPA`);
  setCapa('emission-cap', s.maxEmissionPerBlock);
  setText('controller-mode', s.parameters ? `${s.parameters.mode}${s.pendingParameters ? ' (new parameters from the next epoch)' : ''}` : 'not configured');

  setText('epoch-index', `${s.epoch.index} (blocks ${s.epoch.start}–${s.epoch.start + s.epoch.length - 1})`);
  setText('epoch-left', String(Math.max(0, s.epoch.start + s.epoch.length - 1 - s.number)));
  setCapa('epoch-burned', burnedOf(s.open));
  setText('epoch-credits', `${s.open.creditsSold.toLocaleString('en-US')} / ${s.open.creditsServed.toLocaleString('en-US')}`);
  setText('epoch-points', s.livePoints.toLocaleString('en-US'));
  const live = $('epoch-live');
  live.dataset.count = s.liveProviders ? String(s.liveProviders.count) : '';
  live.textContent = s.liveProviders
    ? `${s.liveProviders.complete ? '' : 'at least '}${s.liveProviders.count.toLocaleString('en-US')} of ${s.providerCount.toLocaleString('en-US')} registered`
    : 'reading the providers…';
  rows(
    $('epoch-causes').tBodies[0],
    BURN_CAUSES.filter(([field]) => s.open[field] > 0n).map(([field, name]) => [`burned: ${name}`, `${capa(s.open[field])} CAPA`]),
  );

  renderPrice(s);
  setCapa('reward-pot', s.rewardPot);
  const { requests, timings } = state.reader;
  setText(
    'requests',
    `Requests to the node: ${requests.lastBlock ?? '–'} for the last block (${timings.lastBlockMs ?? '–'} ms), ${requests.lastEpoch ?? '–'} for the last epoch's lists (${timings.lastEpochMs ?? '–'} ms).`,
  );
  if (state.firstDataMs === null) {
    state.firstDataMs = Math.round(performance.now() - state.started);
    document.body.dataset.ready = 'true';
  }
}

function renderPrice(s) {
  const p = s.parameters;
  if (s.price.price === null) {
    setText('price-now', 'none yet');
  } else {
    setText('price-now', `${s.price.price.toFixed(6)} per CAPA (since block #${s.price.at})`);
  }
  if (p && s.price.price !== null) {
    const d = p.maxPriceDeviation;
    setText('price-band', `a quorum of fresh feeds within ${percent(d)} of their median`);
    const age = s.number - s.price.at;
    setText('price-age', `${age} blocks ago (a price is stale after ${p.priceMaxAge})`);
  }
  const sales = $('price-sales');
  sales.textContent = s.price.sellable
    ? `open: 1 CAPA buys ${s.price.creditsPerCapa.toLocaleString('en-US')} credits`
    : 'closed: no fresh price in force (the feeders have not submitted within price_max_age)';
  sales.className = s.price.sellable ? 'good' : 'bad';
  sales.dataset.open = String(s.price.sellable);
  const warning = $('warning');
  warning.hidden = s.price.sellable;
  warning.textContent = s.price.sellable
    ? ''
    : s.price.price === null
      ? 'No price in force yet: credits cannot be bought until the feeders submit one.'
      : `The price is stale: no fresh submission within ${p?.priceMaxAge ?? '?'} blocks (latest at block #${s.price.at}), so credits cannot be bought until the feeders submit again.`;
  const fresh = feederFreshness(s.feeders, s.number, p?.priceMaxAge ?? 0);
  rows(
    $('feeders').tBodies[0],
    fresh.map((f) => [
      short(f.feeder),
      f.price === null ? 'never' : f.price.toFixed(6),
      f.age === null ? '–' : { text: `${f.age} blocks${f.fresh ? '' : ' (stale)'}`, className: f.fresh ? 'good' : 'bad' },
    ]),
  );
  if (s.limited.length) {
    state.limited = [...s.limited, ...state.limited].slice(0, LIMITED_KEPT);
  }
  rows(
    $('limited').tBodies[0],
    state.limited.map((r) => [`#${r.block}`, r.median.toFixed(6), r.price.toFixed(6)]),
  );
}

function renderEpoch(e) {
  state.epochData = e;
  state.series = epochSeries(e.ledger);
  renderCharts(e);
  const s = state.snapshot;
  const { claimWindow } = state.reader.constants;
  const minReputation = s?.parameters?.minReputation ?? 0;
  const summary = providerSummary(e.providers, e.histories, { minReputation });
  setText('providers-read', `(read at block #${e.number}, once an epoch)`);
  setText('providers-count', summary.count.toLocaleString('en-US'));
  setText('providers-status', `${summary.counts.active} / ${summary.counts.paused} / ${summary.counts.leaving}`);
  setText('providers-frozen', String(summary.counts.frozen));
  setText('providers-capacity', `${summary.verifiedCapacity.toLocaleString('en-US')} units`);
  setText(
    'providers-reputation',
    summary.count ? `${percent(summary.meanReputation, 1)}, ${percent(summary.lowestReputation, 1)} (${summary.counts.belowMinimum} below the minimum)` : '–',
  );
  setText('providers-removed', String(summary.removed.length));
  rows(
    $('earners').tBodies[0],
    summary.topEarners.map((p) => [short(p.account), `${capa(p.owed)} CAPA`, percent(p.reputation, 1)]),
  );
  setCapa('rewards-locked', summary.locked);
  setCapa('rewards-claimable', summary.claimable);
  const pools = poolStatus(e.pools, e.epoch, claimWindow);
  setCapa('rewards-expiring', pools.filter((p) => p.expiring).reduce((sum, p) => sum + p.unclaimed, 0n));
  rows(
    $('pool-table').tBodies[0],
    pools.map((p) => [String(p.epoch), `${capa(p.minted)} CAPA`, `${capa(p.unclaimed)} CAPA`, { text: `close of ${p.expiresAtClose}`, className: p.expiring ? 'bad' : '' }]),
  );
  rows(
    $('preview').tBodies[0],
    e.preview.map((p) => [String(p.epoch), `${capa(p.emissionPerBlock)} CAPA`, `${capa(p.totalIssuance, 0)} CAPA`]),
  );
  const inv = $('invariants');
  inv.dataset.result = e.invariants ?? 'unavailable';
  if (e.invariants === 'ok') {
    inv.textContent = `All of pallet-burn-mint's invariants hold at block #${e.number}.`;
    inv.className = 'good';
  } else if (e.invariants === null) {
    inv.textContent = 'This node\'s runtime was built without its invariant checks (try-runtime).';
    inv.className = 'muted';
  } else {
    inv.textContent = `An invariant fails at block #${e.number}: ${e.invariants}`;
    inv.className = 'bad';
  }
}

const millions = (value) => `${(value / 1e6).toLocaleString('en-US', { maximumFractionDigits: 3 })}M`;
const capaTick = (value) => Math.abs(value) >= 1e6 ? millions(value) : value.toLocaleString('en-US');

function renderCharts() {
  const labels = state.series.map((e) => `#${e.epoch}`);
  const datasets = [
    ...MINT_CAUSES.map(([field, name], i) => ({
      type: 'bar',
      label: `minted: ${name}`,
      data: state.series.map((e) => capaNumber(e.minted[field])),
      backgroundColor: MINT_COLOURS[i],
      stack: 'flows',
    })),
    ...BURN_CAUSES.map(([field, name], i) => ({
      type: 'bar',
      label: `burned: ${name}`,
      data: state.series.map((e) => -capaNumber(e.burned[field])),
      backgroundColor: BURN_COLOURS[i],
      stack: 'flows',
    })),
    {
      type: 'line',
      label: 'net change of issuance',
      data: state.series.map((e) => capaNumber(e.net)),
      borderColor: '#1d2330',
      backgroundColor: '#1d2330',
    },
  ];
  const scaleOptions = { ticks: { callback: capaTick }, title: { display: true, text: 'CAPA' } };
  if (!state.booksChart) {
    state.booksChart = new Chart($('books-chart'), {
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, title: { display: true, text: 'closed epoch' } }, y: { stacked: true, ...scaleOptions } },
        plugins: { legend: { position: 'right', labels: { filter: (item, data) => data.datasets[item.datasetIndex].data.some((v) => v !== 0) } } },
      },
    });
    state.issuanceChart = new Chart($('issuance-chart'), {
      type: 'line',
      data: { labels, datasets: [{ label: 'total issuance at the close (axis not from zero)', data: [], borderColor: '#2f6fd6', backgroundColor: '#2f6fd6' }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // Every CAPA shown: the issuance moves by little against its size.
        scales: { y: { ticks: { callback: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 2 }) }, title: { display: true, text: 'CAPA (axis not from zero)' } } },
      },
    });
  } else {
    state.booksChart.data.labels = labels;
    state.booksChart.data.datasets = datasets;
  }
  state.booksChart.update();
  state.issuanceChart.data.labels = labels;
  state.issuanceChart.data.datasets[0].data = state.series.map((e) => capaNumber(e.issuanceAtClose));
  state.issuanceChart.update();
  $('books-chart').dataset.points = String(labels.length);
}

async function showProvider(address) {
  const out = $('provider-result');
  out.dataset.state = 'loading';
  out.textContent = 'Reading…';
  try {
    const p = await state.reader.providerView(address.trim());
    const lines = [];
    if (!p.record) {
      lines.push(['Record', p.history?.removals ? `none: removed by governance ${p.history.removals} time(s)` : 'not a registered provider']);
    } else {
      const r = p.record;
      lines.push(
        ['Status', `${r.status}${r.unlockAt !== null ? ` (bond released from block #${r.unlockAt})` : ''}${r.frozen ? `, frozen until block #${r.frozenUntil}` : ''}`],
        ['Capacity (declared / verified)', `${r.capacity} / ${r.verifiedCapacity} units (verified counts from epoch ${r.verifiedFrom})`],
        ['Reputation', percent(r.reputation, 1)],
        ['Bond', `${capa(r.bond)} CAPA`],
        ['Claimable now', `${capa(p.claimableNow)} CAPA`],
        ['Locked', `${capa(r.locked)} CAPA${r.unlocking.length ? ` (${r.unlocking.map((c) => `${capa(c.amount)} from epoch ${c.epoch}`).join(', ')})` : ''}`],
        ['Eligible for availability from epoch', String(r.eligibleFrom)],
        ['Latest epoch of work', r.work ? `epoch ${r.work.epoch}: live in ${r.work.liveWindows} window(s), ${r.work.livePoints} points, ${r.work.credits} credits served` : 'none yet'],
      );
      if (p.window) lines.push(['Liveness now', `epoch ${p.window.epoch}, window ${p.window.window + 1} of ${p.window.windows}: ${p.window.proven ? 'proven' : 'not proven yet'}`]);
    }
    if (p.history) lines.push(['History', `${p.history.slashes} slash(es), ${capa(p.history.slashed)} CAPA slashed, ${p.history.removals} removal(s)`]);
    const dl = document.createElement('dl');
    for (const [term, value] of lines) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
    out.replaceChildren(dl);
    out.dataset.state = p.record ? 'provider' : 'none';
    out.dataset.block = p.number;
  } catch (e) {
    out.textContent = `Cannot read ${address}: ${e.message}`;
    out.dataset.state = 'error';
  }
}

async function connectTo(url) {
  await state.reader?.stop().catch(() => {});
  state.snapshot = null;
  state.series = [];
  state.limited = [];
  showStatus(null);
  setText('where', `Connecting to ${url}…`);
  state.reader = new ChainReader(url, { onStatus: showStatus, onBlock: renderBlock, onEpoch: renderEpoch });
  await state.reader.start();
}

function main() {
  const params = new URLSearchParams(location.search);
  const url = params.get('node') ?? DEFAULT_NODE;
  $('url').value = url;
  $('connect').addEventListener('submit', (event) => {
    event.preventDefault();
    const next = $('url').value.trim();
    const query = new URLSearchParams(location.search);
    query.set('node', next);
    history.replaceState(null, '', `?${query}`);
    connectTo(next).catch((e) => showStatus({ level: 'error', kind: 'unreachable', text: e.message }));
  });
  $('provider-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showProvider($('provider-address').value);
  });
  connectTo(url).catch((e) => showStatus({ level: 'error', kind: 'unreachable', text: e.message }));
}

main();
