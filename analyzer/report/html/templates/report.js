/* interview-analyzer report behaviour: seeking, evidence, coach review.
 * Data comes from the embedded report JSON; it is written only via textContent/value/setAttribute. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var player = document.getElementById("player");
  var storeKey = "interview-analyzer-review:" + (data.input.sha256 || data.input.path || document.title);

  /* ---------- audio seeking ---------- */
  function seek(t) {
    if (!player || t === null || t === undefined || isNaN(t)) return;
    player.currentTime = Math.max(0, t);
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () { /* autoplay refused: stay paused at t */ });
  }

  function timeOf(el) {
    var raw = el.getAttribute("data-t");
    return raw === null ? null : parseFloat(raw);
  }

  /* ---------- evidence ---------- */
  function showEvidence(button) {
    var card = button.closest("article[data-answer]");
    var start = parseInt(button.getAttribute("data-s"), 10);
    var end = parseInt(button.getAttribute("data-e"), 10);
    document.querySelectorAll(".seg.ev-active").forEach(function (el) { el.classList.remove("ev-active"); });
    var first = null;
    card.querySelectorAll(".answer-text .seg").forEach(function (el) {
      var s = parseInt(el.getAttribute("data-s"), 10);
      var e = parseInt(el.getAttribute("data-e"), 10);
      if (s >= start && e <= end && e > s) {
        el.classList.add("ev-active");
        if (!first) first = el;
      }
    });
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function flashFlag(key) {
    var parts = key.split("#");
    var card = document.querySelector('article[data-answer="' + CSS.escape(parts[0]) + '"]');
    if (!card) return;
    var flag = card.querySelector('.flag[data-index="' + CSS.escape(parts[1]) + '"]');
    if (!flag) return;
    flag.scrollIntoView({ block: "center", behavior: "smooth" });
    flag.classList.remove("flash");
    void flag.offsetWidth;
    flag.classList.add("flash");
  }

  /* ---------- timeline ---------- */
  var svg = document.getElementById("timeline-svg");
  var playhead = document.getElementById("playhead");

  function timelineX(t) {
    var x0 = parseFloat(svg.getAttribute("data-x0"));
    var x1 = parseFloat(svg.getAttribute("data-x1"));
    var duration = parseFloat(svg.getAttribute("data-duration"));
    return x0 + (x1 - x0) * Math.min(Math.max(t / duration, 0), 1);
  }

  function timelineTime(evt) {
    var point = svg.createSVGPoint();
    point.x = evt.clientX;
    point.y = evt.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var x0 = parseFloat(svg.getAttribute("data-x0"));
    var x1 = parseFloat(svg.getAttribute("data-x1"));
    var duration = parseFloat(svg.getAttribute("data-duration"));
    return Math.min(Math.max((local.x - x0) / (x1 - x0), 0), 1) * duration;
  }

  if (svg) {
    svg.addEventListener("click", function (evt) {
      var marker = evt.target.closest(".tl-flag");
      if (marker) {
        flashFlag(marker.getAttribute("data-flag"));
        seek(timeOf(marker));
        return;
      }
      seek(timelineTime(evt));
    });
    svg.addEventListener("keydown", function (evt) {
      var marker = evt.target.closest(".tl-flag");
      if (marker && (evt.key === "Enter" || evt.key === " ")) {
        evt.preventDefault();
        flashFlag(marker.getAttribute("data-flag"));
        seek(timeOf(marker));
      }
    });
  }

  /* ---------- clicks in the answers and flags ---------- */
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) return;
    var ev = target.closest("button.ev");
    if (ev) {
      showEvidence(ev);
      seek(timeOf(ev));
      return;
    }
    var button = target.closest("button.seek");
    if (button) {
      seek(timeOf(button));
      return;
    }
    var seg = target.closest(".answer-text .seg[data-t]");
    if (seg && !window.getSelection().toString()) seek(timeOf(seg));
  });

  /* ---------- follow playback: current word and playhead ---------- */
  var words = [];
  (data.answers || []).forEach(function (answer) {
    var card = document.querySelector('article[data-answer="' + CSS.escape(answer.id) + '"]');
    (answer.answer.words || []).forEach(function (w, i) {
      if (w.start_s === null || w.end_s === null || !card) return;
      var els = card.querySelectorAll('.answer-text .seg[data-w="' + i + '"]');
      if (els.length) words.push({ start: w.start_s, end: w.end_s, els: els });
    });
  });
  words.sort(function (a, b) { return a.start - b.start; });
  var current = null;

  function follow() {
    var t = player.currentTime;
    if (playhead && svg) {
      var x = timelineX(t);
      playhead.setAttribute("x1", x);
      playhead.setAttribute("x2", x);
      playhead.setAttribute("visibility", "visible");
    }
    var lo = 0, hi = words.length - 1, found = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (words[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var word = found !== null && t <= words[found].end + 0.05 ? words[found] : null;
    if (word === current) return;
    if (current) current.els.forEach(function (el) { el.classList.remove("playing"); });
    if (word) word.els.forEach(function (el) { el.classList.add("playing"); });
    current = word;
  }
  if (player) {
    player.addEventListener("timeupdate", follow);
    player.addEventListener("seeked", follow);
  }

  /* ---------- legend toggles ---------- */
  document.querySelectorAll(".kind-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.getAttribute("data-kind"), !box.checked);
    });
  });

  /* ---------- coach review (kept in the browser, exported as a file; a server page brings its own) ---------- */
  var reviewer = document.getElementById("reviewer");
  var reviewDocument = null;
  if (reviewer) reviewDocument = localReview();

  /* ---------- print: show collapsed details ---------- */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  window.interviewReport = { data: data, seek: seek, reviewDocument: reviewDocument };

  function localReview() {
    var progress = document.getElementById("review-progress");
    var message = document.getElementById("review-message");
    var flagEls = Array.prototype.slice.call(document.querySelectorAll("li.flag"));

    function keyOf(el) { return el.getAttribute("data-answer") + "#" + el.getAttribute("data-index"); }

    function readFlag(el) {
      var checked = el.querySelector('.review input[type="radio"]:checked');
      return { verdict: checked ? checked.value : null, comment: el.querySelector(".review .comment").value.trim() };
    }

    function refresh() {
      var done = 0;
      flagEls.forEach(function (el) {
        var r = readFlag(el);
        if (r.verdict) { el.setAttribute("data-verdict", r.verdict); done += 1; } else { el.removeAttribute("data-verdict"); }
      });
      progress.textContent = done + " of " + flagEls.length + " flags reviewed";
    }

    function save() {
      var state = { reviewer: reviewer.value, verdicts: {} };
      flagEls.forEach(function (el) {
        var r = readFlag(el);
        r.code = el.getAttribute("data-code");  // restored only onto a flag of the same check
        state.verdicts[keyOf(el)] = r;
      });
      try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* storage unavailable */ }
    }

    function restore() {
      if (data.review && data.review.reviewer) reviewer.value = data.review.reviewer;
      var state = null;
      try { state = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { state = null; }
      if (!state) return;
      if (state.reviewer) reviewer.value = state.reviewer;
      flagEls.forEach(function (el) {
        var r = state.verdicts && state.verdicts[keyOf(el)];
        if (!r || (r.code && r.code !== el.getAttribute("data-code"))) return;  // the report was re-generated
        el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) { radio.checked = radio.value === r.verdict; });
        el.querySelector(".review .comment").value = r.comment || "";
      });
    }

    function reviewDocument() {
      var verdicts = [];
      flagEls.forEach(function (el) {
        var r = readFlag(el);
        if (!r.verdict && !r.comment) return;
        verdicts.push({
          answer_id: el.getAttribute("data-answer"),
          flag_index: parseInt(el.getAttribute("data-index"), 10),
          code: el.getAttribute("data-code"),
          verdict: r.verdict,
          comment: r.comment
        });
      });
      return {
        review_version: 1,
        report: { input_path: data.input.path, input_sha256: data.input.sha256 || null, tool_version: data.tool.version },
        reviewer: reviewer.value.trim(),
        exported_at: new Date().toISOString(),
        verdicts: verdicts
      };
    }

    function say(text, ok) {
      message.textContent = text;
      message.classList.toggle("ok", !!ok);
    }

    function exportReview() {
      var doc = reviewDocument();
      if (!doc.reviewer) {
        say("Enter your name first.", false);
        reviewer.focus();
        return;
      }
      if (!doc.verdicts.length) {
        say("Mark or comment on at least one flag.", false);
        return;
      }
      var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
      var link = document.createElement("a");
      var stem = (data.input.path || "session").split(/[\\/]/).pop().replace(/\.[^.]+$/, "");
      link.href = URL.createObjectURL(blob);
      link.download = stem + ".review.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      say("Saved " + link.download + " (" + doc.verdicts.length + " verdicts).", true);
    }

    flagEls.forEach(function (el) {
      el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) {
        radio.addEventListener("change", function () { refresh(); save(); });
      });
      el.querySelector(".review .comment").addEventListener("input", function () { refresh(); save(); });
      el.querySelector(".clear-verdict").addEventListener("click", function () {
        el.querySelectorAll('.review input[type="radio"]').forEach(function (radio) { radio.checked = false; });
        refresh();
        save();
      });
    });
    reviewer.addEventListener("input", save);
    document.getElementById("export-review").addEventListener("click", exportReview);
    restore();
    refresh();
    return reviewDocument;
  }
})();
