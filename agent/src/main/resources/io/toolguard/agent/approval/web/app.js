'use strict';
// Everything shown comes from the API and is set as text, never as markup.
(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const approver = document.getElementById('approver');
  approver.value = localStorage.getItem('toolguard-approver') || '';
  approver.addEventListener('change', () => localStorage.setItem('toolguard-approver', approver.value));
  const cards = new Map();

  function text(parent, selector, value) {
    parent.querySelector(selector).textContent = value;
  }

  function left(seconds) {
    const m = Math.floor(seconds / 60);
    return (m > 0 ? m + ' min ' : '') + (seconds % 60) + ' s';
  }

  async function decide(card, request, button) {
    // The hash of the call this card shows: the server refuses the decision for any other call.
    const body = { decision: button.dataset.decision, approver: approver.value, call_hash: request.call_hash };
    if (button.dataset.withMessage) {
      body.message = card.querySelector('.message').value;
    }
    if (request.needs_confirmation) {
      body.confirm = card.querySelector('.confirm').value;
    }
    const response = await fetch('/api/requests/' + encodeURIComponent(request.id), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Toolguard-Token': token },
      body: JSON.stringify(body)
    });
    const answer = await response.json();
    text(card, '.error', response.ok ? '' : answer.error);
    refresh();
  }

  // Long values are shown as head…tail; the whole (escaped, as the server made it) on request.
  async function showWhole(card, request, button) {
    const response = await fetch('/api/requests/' + encodeURIComponent(request.id), {
      headers: { 'X-Toolguard-Token': token }
    });
    const answer = await response.json();
    if (!response.ok) {
      text(card, '.error', answer.error);
      return;
    }
    text(card, '.arguments', answer.arguments_full);
    button.hidden = true;
  }

  function card(request) {
    const node = document.getElementById('request').content.firstElementChild.cloneNode(true);
    node.dataset.id = request.id;
    node.dataset.risk = request.risk;
    text(node, '.tool', request.tool);
    text(node, '.risk', request.risk);
    text(node, '.method', request.method);
    text(node, '.arguments', request.arguments);
    text(node, '.hash', request.call_hash);
    if (request.arguments_shortened) {
      const whole = node.querySelector('.whole');
      whole.hidden = false;
      whole.addEventListener('click', () => showWhole(node, request, whole));
    }
    text(node, '.thread', request.thread);
    text(node, '.rule', request.rule);
    const confirm = node.querySelector('.confirm');
    const approving = node.querySelectorAll('button[data-decision^="approve"]');
    if (request.needs_confirmation) {
      node.querySelector('.confirm-row').hidden = false;
      const check = () => approving.forEach(b => { b.disabled = confirm.value !== request.tool; });
      confirm.addEventListener('input', check);
      check();
    }
    if (!request.exact_arguments) {
      node.querySelector('button[data-decision="approve_session"]').disabled = true;
    }
    node.querySelectorAll('button[data-decision]').forEach(b => b.addEventListener('click', () => decide(node, request, b)));
    return node;
  }

  function show(data) {
    const list = document.getElementById('pending');
    // The server drew the waiting calls into the page for its first paint; the cards replace them.
    list.querySelectorAll('.first-paint').forEach(node => node.remove());
    const waiting = new Set(data.pending.map(r => r.id));
    for (const [id, node] of cards) {
      if (!waiting.has(id)) {
        node.remove();
        cards.delete(id);
      }
    }
    for (const request of data.pending) {
      if (!cards.has(request.id)) {
        const node = card(request);
        cards.set(request.id, node);
        list.appendChild(node);
      }
      text(cards.get(request.id), '.left', left(request.seconds_left));
    }
    document.getElementById('pending-count').textContent = '(' + data.pending.length + ')';
    document.getElementById('none-pending').hidden = data.pending.length > 0;
    const recent = document.getElementById('recent');
    recent.replaceChildren(...data.recent.map(r => {
      const row = document.createElement('tr');
      row.dataset.id = r.id;
      for (const value of [r.tool, r.risk, r.arguments, r.status + (r.message ? ': ' + r.message : ''),
        (r.by || '') + (r.channel ? ' via ' + r.channel : ''), (r.waited_ms / 1000).toFixed(1) + ' s']) {
        const cell = document.createElement('td');
        cell.textContent = value;
        row.appendChild(cell);
      }
      return row;
    }));
  }

  async function refresh() {
    try {
      const response = await fetch('/api/requests', { headers: { 'X-Toolguard-Token': token } });
      if (!response.ok) {
        document.getElementById('status').textContent = 'refused (' + response.status + '): open the address toolguard printed';
        return;
      }
      show(await response.json());
      document.getElementById('status').textContent = 'live, updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      document.getElementById('status').textContent = 'cannot reach the application: ' + e;
    }
  }

  refresh();
  setInterval(refresh, 1000);
})();
