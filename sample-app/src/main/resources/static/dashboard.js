// The demo dashboard: polls /demo/status and /actuator/health once a second. Nothing it reads holds a secret.
// Every time shown is UTC, as the API gives it.
'use strict';

const POLL_MS = 1000;
const WINDOW_SECONDS = 120;
const LOG_ITEMS = 60;
const CAUSES = ['startup', 'scheduled', 'expired', 'rejected', 'manual'];

const state = {
	since: null,            // newest refresh event already received
	events: [],             // refresh events of the last WINDOW_SECONDS
	lanes: {},              // lane status by lane name, from the last poll
};

const $ = (id) => document.getElementById(id);

function seconds(ms) {
	if (ms === null || Number.isNaN(ms)) return '—';
	return Math.max(0, Math.round(ms / 1000)) + ' s';
}

function untilText(iso, now) {
	return iso ? seconds(Date.parse(iso) - now) : '—';
}

// "08:16:41 UTC": the API's instants are UTC, and so is every time on the page.
function utc(iso) {
	return iso ? new Date(Date.parse(iso)).toISOString().substring(11, 19) + ' UTC' : '—';
}

// Long absolute paths (a credential file in a temporary directory) shortened to their last two
// segments, so an error fits on its line; the full text is in the element's tooltip.
function shortenPaths(text) {
	return text.replace(/\/(?:[^\s/'"]+\/){2,}([^\s/'"]+\/[^\s/'"]+)/g, '…/$1');
}

function setLine(element, text) {
	element.textContent = shortenPaths(text);
	element.title = text;
}

const laneCharts = {};

function laneChart(lane) {
	if (!laneCharts[lane]) {
		const canvas = document.querySelector(`#lane-${lane} .lane-chart`);
		if (!canvas) return null;
		laneCharts[lane] = new Chart(canvas, {
			type: 'line',
			data: { datasets: [
				{ label: 'queries/s', data: [], borderColor: '#1a7f37', backgroundColor: '#1a7f37', pointRadius: 0, tension: 0.2 },
				{ label: 'failed queries/s', data: [], borderColor: '#cf222e', backgroundColor: '#cf222e', pointRadius: 0 },
			] },
			options: {
				animation: false, maintainAspectRatio: false, parsing: false,
				scales: { x: { type: 'linear', min: -WINDOW_SECONDS, max: 0, title: { display: true, text: 'seconds ago' } },
					y: { beginAtZero: true, suggestedMax: 10 } },
			},
		});
	}
	return laneCharts[lane];
}

const refreshChart = new Chart($('refresh-chart'), {
	type: 'scatter',
	data: { datasets: [
		{ label: 'new credential', data: [], backgroundColor: '#1a7f37', pointRadius: 5 },
		{ label: 'unchanged re-read', data: [], backgroundColor: '#ffffff', borderColor: '#1a7f37', borderWidth: 1, pointRadius: 4 },
		{ label: 'refresh failed', data: [], backgroundColor: '#cf222e', pointRadius: 5, pointStyle: 'crossRot', borderColor: '#cf222e', borderWidth: 2 },
		{ label: 'login rejected', data: [], backgroundColor: '#9a6700', pointRadius: 5, pointStyle: 'triangle' },
	] },
	options: {
		animation: false, maintainAspectRatio: false, parsing: false,
		scales: {
			x: { type: 'linear', min: -WINDOW_SECONDS, max: 0, title: { display: true, text: 'seconds ago' } },
			y: {
				min: -0.5, max: CAUSES.length - 0.5,
				afterBuildTicks: (axis) => { axis.ticks = CAUSES.map((_, i) => ({ value: i })); },
				ticks: { callback: (v) => CAUSES[v] ?? '' },
			},
		},
	},
});

function datasourceCard(name) {
	let card = document.querySelector(`[data-datasource="${CSS.escape(name)}"]`);
	if (!card) {
		card = $('datasource-template').content.firstElementChild.cloneNode(true);
		card.dataset.datasource = name;
		card.id = 'ds-' + name;
		card.querySelector('.name').textContent = name;
		card.querySelector('.btn-refresh').addEventListener('click', () => refreshNow(name));
		$('datasources').appendChild(card);
	}
	return card;
}

function laneOf(dataSource) {
	return Object.values(state.lanes).find((lane) => lane.dataSource === dataSource);
}

function renderDatasources(datasources, now) {
	for (const [name, ds] of Object.entries(datasources)) {
		const card = datasourceCard(name);
		const stateBadge = card.querySelector('.state');
		stateBadge.textContent = ds.state;
		stateBadge.className = 'state state-' + ds.state;
		card.querySelector('.provider').textContent = ds.provider;
		card.querySelector('.username').textContent = ds.username ?? '—';
		card.querySelector('.fingerprint').textContent = ds.fingerprint ?? '—';
		card.querySelector('.expires-in').textContent = ds.expiresAt
			? (Date.parse(ds.expiresAt) > now ? `${untilText(ds.expiresAt, now)} (${utc(ds.expiresAt)})` : `expired at ${utc(ds.expiresAt)}`)
			: 'never';
		card.querySelector('.next-refresh-in').textContent = ds.nextRefreshAt
			? `${untilText(ds.nextRefreshAt, now)} (${utc(ds.nextRefreshAt)})` : '—';
		const error = card.querySelector('.last-error');
		setLine(error, ds.lastError ? `${utc(ds.lastErrorAt)} ${ds.lastError.type}: ${ds.lastError.message ?? ''}` : 'none');
		error.classList.toggle('has-error', !!ds.lastError);
		const lane = laneOf(name);
		card.querySelector('.lane-ok').textContent = lane ? lane.success : '—';
		const failed = card.querySelector('.lane-failed');
		failed.textContent = lane ? lane.failure : '—';
		failed.classList.toggle('nonzero', !!lane && lane.failure > 0);
	}
}

function renderIssuer(issuer, now) {
	if (!issuer) {
		$('issuer').hidden = true;
		return;
	}
	const broken = issuer.brokenUntil !== null;
	const revoked = issuer.replacementAt !== null;
	const source = $('issuer-state');
	source.textContent = broken ? `broken until ${utc(issuer.brokenUntil)} (${untilText(issuer.brokenUntil, now)})`
		: revoked ? 'revoked, replacements pending' : 'working';
	source.className = 'state ' + (broken ? 'state-failed' : revoked ? 'state-stale' : 'state-valid');
	const list = $('issuer-credentials');
	list.replaceChildren(...issuer.credentials.map((credential) => {
		const item = document.createElement('li');
		item.textContent = `${credential.role} ${credential.fingerprint}, valid until ${utc(credential.expiresAt)}`;
		return item;
	}));
	$('issuer-next-label').textContent = revoked ? 'Replacements in' : 'Next credentials in';
	$('issuer-next').textContent = broken ? '— (broken)'
		: revoked ? untilText(issuer.replacementAt, now) : untilText(issuer.nextRotationAt, now);
	$('issuer-issued').textContent = issuer.issued;
	$('issuer-revoked').textContent = issuer.revoked;
	$('btn-break').textContent = `Break the token source until ${issuer.outageAfterExpirySeconds} s after the credentials expire`;
	$('btn-revoke').textContent = `Revoke current credentials (replacements after ${issuer.revokeDelaySeconds} s)`;
	$('btn-heal').hidden = !broken;
}

function renderLanes(lanes, now) {
	state.lanes = lanes;
	for (const [name, lane] of Object.entries(lanes)) {
		const column = $('lane-' + name);
		if (!column) continue;   // the reporting lane shows on its DataSource's card
		column.querySelector('.queries-ok').textContent = lane.success;
		const failed = column.querySelector('.queries-failed');
		failed.textContent = lane.failure;
		failed.classList.toggle('nonzero', lane.failure > 0);
		if (lane.startupCredential) {
			const startup = lane.startupCredential;
			const expired = startup.expiresAt && Date.parse(startup.expiresAt) <= now;
			const text = column.querySelector('.startup-credential');
			text.textContent = `It logs in as ${startup.username} with ${startup.fingerprint}, `
				+ (expired ? `which expired at ${utc(startup.expiresAt)}.` : `valid until ${utc(startup.expiresAt)}.`);
			text.classList.toggle('expired', !!expired);
		}
		// The server samples the counters once a second; rates are the differences.
		const history = lane.history;
		const rates = [];
		for (let i = 1; i < history.length; i++) {
			const at = Date.parse(history[i].at);
			const elapsed = (at - Date.parse(history[i - 1].at)) / 1000;
			if (elapsed <= 0) continue;
			rates.push({ x: (at - now) / 1000,
				ok: (history[i].success - history[i - 1].success) / elapsed,
				failed: (history[i].failure - history[i - 1].failure) / elapsed });
		}
		column.querySelector('.queries-rate').textContent = rates.length ? rates[rates.length - 1].ok.toFixed(1) : '—';
		const chart = laneChart(name);
		chart.data.datasets[0].data = rates.map((r) => ({ x: r.x, y: r.ok }));
		chart.data.datasets[1].data = rates.map((r) => ({ x: r.x, y: r.failed }));
		chart.update();
	}
	$('lane-plain').hidden = !lanes.plain;
}

// Repeated events that say nothing new fold into the line before them: a re-read that returned the
// credential already served, or the same credential rejected again.
function foldKey(event) {
	if (event.outcome === 'success' && !event.rotated) return `unchanged|${event.dataSource}|${event.cause}|${event.fingerprint}`;
	if (event.outcome === 'rejected') return `rejected|${event.dataSource}|${event.fingerprint}`;
	return null;
}

function describe(event) {
	if (event.outcome === 'failure') return `refresh failed: ${event.error?.type}: ${event.error?.message ?? ''}`;
	if (event.outcome === 'rejected') return `login rejected with ${event.fingerprint}`;
	return event.rotated ? `new credential ${event.fingerprint}`
		: event.cause === 'startup' ? `first credential ${event.fingerprint}` : `unchanged ${event.fingerprint} (no-op re-read)`;
}

function renderRefreshes(newEvents, now) {
	const log = $('refresh-log');
	for (const event of newEvents) {
		state.events.push(event);
		state.since = event.at;
		const key = foldKey(event);
		const last = log.firstElementChild;
		if (key && last && last.dataset.foldKey === key) {
			const count = Number(last.dataset.count) + 1;
			last.dataset.count = String(count);
			last.querySelector('.count').textContent = ` ×${count}, last at ${utc(event.at)}`;
			continue;
		}
		const item = document.createElement('li');
		item.className = event.outcome + (key && event.outcome === 'success' ? ' unchanged' : '');
		item.dataset.foldKey = key ?? '';
		item.dataset.count = '1';
		const text = document.createElement('span');
		setLine(text, `${utc(event.at)} ${event.dataSource} (${event.cause}): ${describe(event)}`);
		const count = document.createElement('span');
		count.className = 'count';
		item.append(text, count);
		log.prepend(item);
	}
	while (log.children.length > LOG_ITEMS) log.lastElementChild.remove();
	state.events = state.events.filter((e) => now - Date.parse(e.at) <= WINDOW_SECONDS * 1000);
	const point = (e) => ({ x: (Date.parse(e.at) - now) / 1000, y: Math.max(0, CAUSES.indexOf(e.cause)) });
	refreshChart.data.datasets[0].data = state.events.filter((e) => e.outcome === 'success' && (e.rotated || e.cause === 'startup')).map(point);
	refreshChart.data.datasets[1].data = state.events.filter((e) => e.outcome === 'success' && !e.rotated && e.cause !== 'startup').map(point);
	refreshChart.data.datasets[2].data = state.events.filter((e) => e.outcome === 'failure').map(point);
	refreshChart.data.datasets[3].data = state.events.filter((e) => e.outcome === 'rejected').map(point);
	refreshChart.update();
}

async function pollStatus() {
	const query = state.since ? '?since=' + encodeURIComponent(state.since) : '';
	const response = await fetch('demo/status' + query, { cache: 'no-store' });
	if (!response.ok) throw new Error('status ' + response.status);
	const status = await response.json();
	const now = Date.parse(status.now);
	$('clock').textContent = utc(status.now);
	renderLanes(status.lanes, now);
	renderDatasources(status.datasources, now);
	renderIssuer(status.issuer, now);
	renderRefreshes(status.refreshes, now);
	document.body.dataset.polls = String(Number(document.body.dataset.polls ?? 0) + 1);
}

// Health and its per-DataSource details: a warning (credential about to expire, not yet replaced)
// or an error (unusable credential that cannot be renewed).
async function pollHealth() {
	try {
		const response = await fetch('actuator/health', { cache: 'no-store' });
		const health = await response.json();
		$('health').textContent = 'health ' + health.status;
		$('health').className = 'pill pill-' + health.status;
		const details = health.components?.dbcredentials?.details ?? {};
		const notes = [];
		for (const card of document.querySelectorAll('.datasource')) {
			const detail = details[card.dataset.datasource];
			const element = card.querySelector('.health-detail');
			// The indicator is DOWN for a DataSource whose credential is unusable and not being renewed.
			const down = detail && ['stale', 'failed'].includes(detail.state) && detail.error;
			const text = !detail ? '—' : detail.warning ? `warning: ${detail.warning}` : down ? `DOWN: ${detail.error}` : 'UP';
			setLine(element, text);
			element.className = 'health-detail one-line' + (detail?.warning ? ' has-warning' : text.startsWith('DOWN') ? ' has-error' : '');
			if (detail?.warning) notes.push(`${card.dataset.datasource}: credential expires soon and is not replaced yet`);
		}
		$('health-note').textContent = notes.join('; ');
	}
	catch (e) {
		$('health').textContent = 'health unknown';
		$('health').className = 'pill pill-UNKNOWN';
	}
}

async function act(path, label) {
	$('action-result').textContent = label + '…';
	try {
		const response = await fetch(path, { method: 'POST' });
		const body = await response.json().catch(() => ({}));
		$('action-result').textContent = response.ok ? label + ': ' + story(path, body) : label + ': ' + (body.message ?? response.status);
	}
	catch (e) {
		$('action-result').textContent = label + ': ' + e.message;
	}
	await tick();
}

// What to watch for after each button.
function story(path, body) {
	if (path.endsWith('/rotate')) return 'new credentials published; the starter serves them, the old ones stay valid until they expire.';
	if (path.endsWith('/revoke')) return `the database refuses the current credentials and the pools log in again: watch the rejected logins, then the recovery once the replacements arrive at ${utc(body.replacementAt)}.`;
	if (path.endsWith('/break')) return `refreshes fail and the credentials are served until they expire (state stale, health DOWN); the source heals at ${utc(body.brokenUntil)}.`;
	if (path.endsWith('/heal')) return 'new credentials published.';
	return body.state ? `state ${body.state}, credential ${body.fingerprint ?? '—'}.` : 'done.';
}

// The Actuator write operation of the starter's dbcredentials endpoint.
function refreshNow(name) {
	return act('actuator/dbcredentials/' + encodeURIComponent(name), 'Refresh ' + name);
}

async function tick() {
	try {
		await Promise.all([pollStatus(), pollHealth()]);
	}
	catch (e) {
		$('action-result').textContent = 'Cannot reach the application: ' + e.message;
	}
}

$('btn-rotate').addEventListener('click', () => act('demo/issuer/rotate', 'Rotate now'));
$('btn-revoke').addEventListener('click', () => act('demo/issuer/revoke', 'Revoke'));
$('btn-break').addEventListener('click', () => act('demo/issuer/break', 'Break the token source'));
$('btn-heal').addEventListener('click', () => act('demo/issuer/heal', 'Heal the token source'));

tick();
setInterval(tick, POLL_MS);
