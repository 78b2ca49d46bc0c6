// The demo dashboard: polls /demo/status and /actuator/health once a second. Nothing it reads holds a secret.
'use strict';

const POLL_MS = 1000;
const WINDOW_SECONDS = 120;
const CAUSES = ['startup', 'scheduled', 'expired', 'rejected', 'manual'];

const state = {
	since: null,            // newest refresh event already received
	events: [],             // refresh events of the last WINDOW_SECONDS
	serverOffset: 0,        // server clock minus browser clock, in ms
};

const $ = (id) => document.getElementById(id);

function seconds(ms) {
	if (ms === null || Number.isNaN(ms)) return '—';
	return Math.max(0, Math.round(ms / 1000)) + ' s';
}

function untilText(iso, now) {
	return iso ? seconds(Date.parse(iso) - now) : '—';
}

const workloadChart = new Chart($('workload-chart'), {
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

const refreshChart = new Chart($('refresh-chart'), {
	type: 'scatter',
	data: { datasets: [
		{ label: 'refresh succeeded', data: [], backgroundColor: '#1a7f37', pointRadius: 5 },
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
			? (Date.parse(ds.expiresAt) > now ? untilText(ds.expiresAt, now) : 'expired') : 'never';
		card.querySelector('.next-refresh-in').textContent = untilText(ds.nextRefreshAt, now);
		const error = card.querySelector('.last-error');
		error.textContent = ds.lastError ? `${ds.lastError.type}: ${ds.lastError.message ?? ''}` : 'none';
		error.classList.toggle('has-error', !!ds.lastError);
	}
}

function renderIssuer(issuer, now) {
	if (!issuer) {
		$('issuer').hidden = true;
		return;
	}
	const broken = issuer.brokenUntil !== null;
	$('issuer-state').textContent = broken ? `broken, heals in ${untilText(issuer.brokenUntil, now)}` : 'working';
	$('issuer-state').className = broken ? 'state state-failed' : 'state state-valid';
	$('issuer-role').textContent = issuer.role ?? '—';
	$('issuer-fingerprint').textContent = issuer.fingerprint ?? '';
	$('issuer-next').textContent = broken ? '— (broken)' : untilText(issuer.nextRotationAt, now);
	$('issuer-issued').textContent = issuer.issued;
	$('issuer-revoked').textContent = issuer.revoked;
	$('outage-seconds').textContent = issuer.outageSeconds;
	$('btn-heal').hidden = !broken;
}

function renderWorkload(workload, history, now) {
	if (!workload) {
		$('workload').hidden = true;
		return;
	}
	$('queries-ok').textContent = workload.success;
	$('queries-failed').textContent = workload.failure;
	$('queries-failed').classList.toggle('nonzero', workload.failure > 0);
	// The server samples the counters once a second; rates are the differences.
	const rates = [];
	for (let i = 1; i < history.length; i++) {
		const at = Date.parse(history[i].at);
		const elapsed = (at - Date.parse(history[i - 1].at)) / 1000;
		if (elapsed <= 0) continue;
		rates.push({ x: (at - now) / 1000,
			ok: (history[i].success - history[i - 1].success) / elapsed,
			failed: (history[i].failure - history[i - 1].failure) / elapsed });
	}
	$('queries-rate').textContent = rates.length ? rates[rates.length - 1].ok.toFixed(1) : '—';
	workloadChart.data.datasets[0].data = rates.map((r) => ({ x: r.x, y: r.ok }));
	workloadChart.data.datasets[1].data = rates.map((r) => ({ x: r.x, y: r.failed }));
	workloadChart.update();
}

function renderRefreshes(newEvents, now) {
	const log = $('refresh-log');
	for (const event of newEvents) {
		state.events.push(event);
		state.since = event.at;
		const item = document.createElement('li');
		item.className = event.outcome;
		const time = new Date(Date.parse(event.at)).toLocaleTimeString();
		const detail = event.outcome === 'failure'
			? `${event.error?.type}: ${event.error?.message ?? ''}`
			: `${event.fingerprint ?? ''}${event.rotated ? ' (new credential)' : ''}`;
		item.textContent = `${time} ${event.dataSource} ${event.cause} ${event.outcome} ${detail}`;
		log.prepend(item);
	}
	while (log.children.length > 50) log.lastElementChild.remove();
	state.events = state.events.filter((e) => now - Date.parse(e.at) <= WINDOW_SECONDS * 1000);
	const point = (e) => ({ x: (Date.parse(e.at) - now) / 1000, y: Math.max(0, CAUSES.indexOf(e.cause)) });
	refreshChart.data.datasets[0].data = state.events.filter((e) => e.outcome === 'success').map(point);
	refreshChart.data.datasets[1].data = state.events.filter((e) => e.outcome === 'failure').map(point);
	refreshChart.data.datasets[2].data = state.events.filter((e) => e.outcome === 'rejected').map(point);
	refreshChart.update();
}

async function pollStatus() {
	const query = state.since ? '?since=' + encodeURIComponent(state.since) : '';
	const response = await fetch('demo/status' + query, { cache: 'no-store' });
	if (!response.ok) throw new Error('status ' + response.status);
	const status = await response.json();
	const now = Date.parse(status.now);
	state.serverOffset = now - Date.now();
	renderDatasources(status.datasources, now);
	renderIssuer(status.issuer, now);
	renderWorkload(status.workload, status.workloadHistory, now);
	renderRefreshes(status.refreshes, now);
	document.body.dataset.polls = String(Number(document.body.dataset.polls ?? 0) + 1);
}

async function pollHealth() {
	try {
		const response = await fetch('actuator/health', { cache: 'no-store' });
		const health = await response.json();
		$('health').textContent = 'health ' + health.status;
		$('health').className = 'pill pill-' + health.status;
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
		$('action-result').textContent = response.ok ? label + ': done' : label + ': ' + (body.message ?? response.status);
	}
	catch (e) {
		$('action-result').textContent = label + ': ' + e.message;
	}
	await tick();
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
$('btn-revoke').addEventListener('click', () => act('demo/issuer/revoke', 'Revoke current credential'));
$('btn-break').addEventListener('click', () => act('demo/issuer/break', 'Break the token source'));
$('btn-heal').addEventListener('click', () => act('demo/issuer/heal', 'Heal the token source'));

tick();
setInterval(tick, POLL_MS);
