/* interview-analyzer workspace: saves the coach's review as they type (verdicts, comments on spans of
 * an answer, the overall note) through the JSON API, and shows others' reviews. Data is written to the
 * page only through textContent / value. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("workspace-data").textContent);
  var base = "/api/sessions/" + cfg.session;
  var stateEl = document.getElementById("save-state");
  var progress = document.getElementById("review-progress");
  var pending = 0, failed = false, timers = {};

  function showState() {
    var busy = pending || Object.keys(timers).length;
    document.body.setAttribute("data-saving", busy ? "1" : "0");
    if (!stateEl) return;
    stateEl.textContent = failed ? "Not saved: check your connection (retrying)" : busy ? "Saving…" : "All changes saved";
    stateEl.classList.toggle("ok", !busy && !failed);
  }

  function send(method, url, body) {
    pending += 1;
    showState();
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": cfg.csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      failed = false;
      return r.json();
    }).catch(function (err) {
      failed = true;
      throw err;
    }).finally(function () {
      pending -= 1;
      showState();
    });
  }

  function later(key, fn, ms) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { delete timers[key]; fn(); showState(); }, ms);
    showState();
  }

  function retrying(fn) {
    return function attempt() { fn().catch(function () { setTimeout(attempt, 2000); }); };
  }

  function when(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }

  /* ---------- flags ---------- */
  var flagEls = Array.prototype.slice.call(document.querySelectorAll("li.flag"));

  function readFlag(el) {
    var checked = el.querySelector('.review input[type="radio"]:checked');
    return { verdict: checked ? checked.value : null, comment: el.querySelector(".review .comment").value };
  }

  function refresh() {
    var done = 0;
    flagEls.forEach(function (el) {
      var r = readFlag(el);
      if (r.verdict) { el.setAttribute("data-verdict", r.verdict); done += 1; } else { el.removeAttribute("data-verdict"); }
    });
    if (progress) progress.textContent = done + " of " + flagEls.length + " flags reviewed";
  }

  function saveFlag(el) {
    var r = readFlag(el);
    return send("POST", base + "/reviews", {
      answer_id: el.getAttribute("data-answer"), flag_index: parseInt(el.getAttribute("data-index"), 10),
      flag_code: el.getAttribute("data-code"), verdict: r.verdict, comment: r.comment
    });
  }

  /* The page is the same for every viewer: put the verdict on each flag here. A reviewer's controls
   * show their own; a candidate's the latest of their coaches' (the one the exported report holds). */
  function shown(el) {
    var mine = cfg.verdicts.filter(function (v) {
      return v.answer_id === el.getAttribute("data-answer") && String(v.flag_index) === el.getAttribute("data-index") &&
        v.flag_code === el.getAttribute("data-code") && (cfg.reviewer ? v.reviewer === cfg.me : (v.verdict || v.comment));
    });
    return mine.length ? mine[mine.length - 1] : null;  // the API lists them oldest change first
  }

  flagEls.forEach(function (el) {
    var key = "flag:" + el.getAttribute("data-answer") + "#" + el.getAttribute("data-index");
    var own = shown(el);
    if (own) {
      el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) { radio.checked = radio.value === own.verdict; });
      el.querySelector(".review .comment").value = own.comment || "";
    }
    var others = cfg.verdicts.filter(function (v) {
      return v.answer_id === el.getAttribute("data-answer") && String(v.flag_index) === el.getAttribute("data-index") &&
        (cfg.reviewer ? v.reviewer !== cfg.me : true) && (v.verdict || v.comment);
    });
    others.forEach(function (v) {
      var p = document.createElement("p");
      p.className = "ws-flag-others";
      p.textContent = (v.verdict ? (v.verdict === "agree" ? "✓ Agreed" : "✗ Disagreed") : "Commented") + " — " +
        v.reviewer + ", " + when(v.updated_at) + (cfg.reviewer && v.comment ? ": " + v.comment : "");
      el.querySelector(".review").appendChild(p);
    });
    var fieldset = el.querySelector(".review");
    if (!cfg.reviewer) {
      fieldset.classList.add("ws-locked");
      fieldset.querySelectorAll("input, textarea, button").forEach(function (c) { c.disabled = true; });
      return;
    }
    var save = retrying(function () { return saveFlag(el); });
    el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () { refresh(); later(key, save, 0); });
    });
    el.querySelector(".review .comment").addEventListener("input", function () { later(key, save, 500); });
    el.querySelector(".clear-verdict").addEventListener("click", function () {
      el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) { radio.checked = false; });
      refresh();
      later(key, save, 0);
    });
  });
  refresh();

  /* ---------- overall note ---------- */
  var note = document.getElementById("note");
  if (note) {
    var saveNote = retrying(function () { return send("PUT", base + "/note", { note: note.value }); });
    note.addEventListener("input", function () { later("note", saveNote, 500); });
  }

  /* ---------- comments on spans ---------- */
  function offsetIn(card, node, offset) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    var seg = el && el.closest(".answer-text .seg");
    if (!seg || !card.contains(seg)) return null;
    var start = parseInt(seg.getAttribute("data-s"), 10);
    return node.nodeType === 3 ? start + offset : start;
  }

  function selectionIn(card) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    var segs = Array.prototype.filter.call(card.querySelectorAll(".answer-text .seg"), function (s) {
      return range.intersectsNode(s);
    });
    if (!segs.length) return null;
    var start = offsetIn(card, range.startContainer, range.startOffset);
    var end = offsetIn(card, range.endContainer, range.endOffset);
    if (start === null) start = parseInt(segs[0].getAttribute("data-s"), 10);
    if (end === null) end = parseInt(segs[segs.length - 1].getAttribute("data-e"), 10);
    if (end <= start) return null;
    return { start: start, end: end };
  }

  function markCommented(card, start, end) {
    card.querySelectorAll(".answer-text .seg").forEach(function (seg) {
      var s = parseInt(seg.getAttribute("data-s"), 10), e = parseInt(seg.getAttribute("data-e"), 10);
      if (s >= start && e <= end && e > s) seg.classList.add("ws-commented");
    });
  }

  function addComment(list, c) {
    var li = document.createElement("li");
    var q = document.createElement("q");
    q.textContent = c.quote;
    var by = document.createElement("span");
    by.className = "ws-by";
    by.textContent = "— " + c.author + ", " + when(c.created_at);
    li.appendChild(q);
    li.appendChild(document.createTextNode(" " + c.comment + " "));
    li.appendChild(by);
    list.appendChild(li);
  }

  document.querySelectorAll("article[data-answer]").forEach(function (card) {
    var box = card.querySelector(".ws-comments");
    if (!box) return;
    cfg.comments.forEach(function (c) { if (c.answer_id === card.getAttribute("data-answer")) markCommented(card, c.start, c.end); });
    var form = box.querySelector(".ws-comment-form");
    if (!form) return;
    var text = form.querySelector(".ws-comment-text"), button = form.querySelector(".ws-comment-add");
    var label = form.querySelector(".ws-selection"), chosen = null;
    function pick() {
      var found = selectionIn(card);
      if (!found) return;
      chosen = found;
      var words = "";
      card.querySelectorAll(".answer-text .seg").forEach(function (s) { words += s.textContent; });
      label.textContent = "Comment on: “" + words.slice(chosen.start, chosen.end) + "”";
      text.disabled = false;
      button.disabled = false;
    }
    card.querySelector(".answer-text").addEventListener("mouseup", pick);
    card.querySelector(".answer-text").addEventListener("keyup", pick);
    button.addEventListener("click", function () {
      if (!chosen || !text.value.trim()) { text.focus(); return; }
      button.disabled = true;
      send("POST", base + "/comments", {
        answer_id: card.getAttribute("data-answer"), start: chosen.start, end: chosen.end, comment: text.value
      }).then(function (c) {
        addComment(box.querySelector(".ws-comment-list"), c);
        markCommented(card, c.start, c.end);
        text.value = "";
        text.disabled = true;
        chosen = null;
        label.textContent = "Saved. Select words in the answer above to comment on them.";
      }).catch(function () {
        button.disabled = false;
        label.textContent = "Not saved: check your connection and try again.";
      });
    });
  });

  window.addEventListener("beforeunload", function (evt) {
    if (pending || Object.keys(timers).length) { evt.preventDefault(); evt.returnValue = ""; }
  });
})();
