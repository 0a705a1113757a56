// The jobsim page: the jobsim command, built as WebAssembly, runs on the
// editors' files, and the page shows what it prints. Each Run calls the
// command a few times, as one would in a shell:
//
//   run --color never --width 100 --events events.jsonl  the text and events
//   explain                                             the explanation
//   run -o svg                                          the chart
//   run -o trace                                        the replay
//
// A call that fails leaves a note where its output would be.
"use strict";

const $ = (id) => document.getElementById(id);

const page = {
  examples: [],
  start: 0,    // the run's start, ms since the epoch
  events: [],  // [{t (s), object, reason, message}]
  replay: null // from the trace: {end, times, pods, jobs}
};

// jobsim runs the command with args on files ({name: text}).
function jobsim(args, files) {
  try {
    const r = globalThis.jobsimMain(args, files);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, files: r.files || {} };
  } catch (e) {
    return { code: -1, stdout: "", stderr: "jobsim stopped: " + e.message + " (reload the page)", files: {} };
  }
}

async function loadWasm() {
  const go = new Go();
  let result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch("jobsim.wasm"), go.importObject);
  } catch (e) {
    // A server that does not say application/wasm: compile the bytes.
    const bytes = await (await fetch("jobsim.wasm")).arrayBuffer();
    result = await WebAssembly.instantiate(bytes, go.importObject);
  }
  go.run(result.instance); // main sets jobsimMain, then waits for calls
}

// Editors: a textarea, its line numbers and the marks of problem lines.
const editors = {};
for (const which of ["manifest", "scenario"]) {
  const ta = $(which), box = ta.parentElement;
  const ed = { ta, name: $(which + "-name"), gutter: box.querySelector(".gutter"), box, bad: new Set() };
  ta.addEventListener("input", () => { ed.bad.clear(); drawGutter(ed); });
  ta.addEventListener("scroll", () => drawGutter(ed));
  editors[which] = ed;
}

function drawGutter(ed) {
  const n = ed.ta.value.split("\n").length;
  let html = "";
  for (let i = 1; i <= n; i++) {
    html += ed.bad.has(i) ? `<span class="bad" data-line="${i}">${i}</span>\n` : i + "\n";
  }
  ed.gutter.innerHTML = html;
  ed.gutter.scrollTop = ed.ta.scrollTop;
  ed.box.querySelectorAll(".mark").forEach((m) => m.remove());
  const lh = parseFloat(getComputedStyle(ed.ta).lineHeight);
  for (const line of ed.bad) {
    const m = document.createElement("div");
    m.className = "mark";
    m.dataset.line = line;
    m.style.top = 4 + (line - 1) * lh - ed.ta.scrollTop + "px";
    ed.box.appendChild(m);
  }
}

// goToLine selects a line of an editor and scrolls it into view.
function goToLine(ed, line) {
  const lines = ed.ta.value.split("\n");
  const from = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  ed.ta.focus();
  ed.ta.setSelectionRange(from, from + (lines[line - 1] || "").length);
  const lh = parseFloat(getComputedStyle(ed.ta).lineHeight);
  ed.ta.scrollTop = Math.max(0, (line - 3) * lh);
  drawGutter(ed);
}

function setInputs(x) {
  editors.manifest.ta.value = x.manifest.text;
  editors.manifest.name.value = x.manifest.name;
  editors.scenario.ta.value = x.scenario ? x.scenario.text : "";
  editors.scenario.name.value = x.scenario ? x.scenario.name : "";
  $("flags").value = (x.flags || []).join(" ");
  for (const ed of Object.values(editors)) { ed.bad.clear(); ed.ta.scrollTop = 0; drawGutter(ed); }
}

function inputs() {
  return {
    manifest: editors.manifest.ta.value,
    scenario: editors.scenario.ta.value,
    names: [editors.manifest.name.value.trim() || "job.yaml", editors.scenario.name.value.trim() || "scenario.yaml"],
    flags: $("flags").value.trim().split(/\s+/).filter(Boolean)
  };
}

// The permalink: the inputs as base64url of their JSON, in the fragment.
function encodeInputs(x) {
  const bytes = new TextEncoder().encode(JSON.stringify(x));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeInputs(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

function note(el, text) {
  el.replaceChildren();
  const p = document.createElement("p");
  p.className = "note";
  p.textContent = text;
  el.appendChild(p);
}

// firstLine is the gist of a failed call's stderr.
const firstLine = (s) => s.trim().split("\n")[0] || "no output";

function run() {
  const t0 = performance.now();
  const x = inputs();
  const [mname, sname] = x.names;
  const files = { [mname]: x.manifest };
  if (x.scenario.trim() !== "") files[sname] = x.scenario;
  const target = x.scenario.trim() !== "" ? sname : mname;
  const link = "#" + encodeInputs(x);
  $("permalink").href = link;
  history.replaceState(null, "", link);

  const text = jobsim(["run", "--color", "never", "--width", "100", "--events", "events.jsonl", ...x.flags, target], files);
  const ok = showProblems(text);
  $("results").hidden = !ok;
  if (ok) {
    showText(text);
    const ex = jobsim(["explain", ...x.flags, target], files);
    if (ex.code === 0) $("explain").textContent = ex.stdout;
    else note($("explain"), "No explanation: " + firstLine(ex.stderr));
    showGantt(jobsim(["run", "-o", "svg", ...x.flags, target], files));
    showReplay(jobsim(["run", "-o", "trace", ...x.flags, target], files));
  }
  const ms = performance.now() - t0;
  document.body.dataset.runMs = ms.toFixed(1);
  document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  $("status").textContent = ok ? `ran in ${ms.toFixed(0)} ms` : "invalid input: see the problems below";
}

// showProblems lists the problems of a failed run, each FILE:LINE: at its
// line in its editor; it reports whether the run succeeded.
function showProblems(r) {
  const list = $("problems");
  list.replaceChildren();
  for (const ed of Object.values(editors)) ed.bad.clear();
  if (r.code === 0) {
    list.hidden = true;
    for (const ed of Object.values(editors)) drawGutter(ed);
    return true;
  }
  let lines = (r.stderr || r.stdout).trim().split("\n");
  // A usage error (exit 2) is followed by the command's help: leave it out.
  if (r.code === 2) lines = lines.slice(0, Math.max(1, lines.indexOf("")));
  for (const l of lines) {
    const li = document.createElement("li");
    const m = /^(.+?):(\d+): /.exec(l);
    const ed = m && Object.values(editors).find((e) => e.name.value.trim() === m[1]);
    if (ed) {
      const line = Number(m[2]);
      ed.bad.add(line);
      const a = document.createElement("a");
      a.href = "#";
      a.textContent = l;
      a.dataset.editor = ed.ta.id;
      a.dataset.line = line;
      a.addEventListener("click", (ev) => { ev.preventDefault(); goToLine(ed, line); });
      li.appendChild(a);
    } else {
      li.textContent = l;
    }
    list.appendChild(li);
  }
  list.hidden = false;
  for (const ed of Object.values(editors)) drawGutter(ed);
  return false;
}

function showText(r) {
  $("text").textContent = r.stdout;
  // The header's "start TIME" is the zero of the virtual times.
  const m = / start (\S+)$/m.exec(r.stdout);
  page.start = m ? Date.parse(m[1]) : 0;
  // The summary: the paragraphs of the text that start at job/ or cronjob/.
  const summary = [];
  let inside = false;
  for (const l of r.stdout.split("\n")) {
    if (/^(cron)?job\/\S+: /.test(l)) inside = true;
    else if (!/^\s+\S/.test(l)) inside = false;
    if (inside) summary.push(l);
  }
  $("summary").textContent = summary.join("\n") || "no jobs";
  $("summary").classList.toggle("failed", /: Failed /.test(summary.join("\n")));
  page.events = (r.files["events.jsonl"] || "").split("\n").filter(Boolean).map((l) => {
    const e = JSON.parse(l);
    return { t: (Date.parse(e.time) - page.start) / 1000, object: e.object, reason: e.reason, message: e.message };
  });
  const body = $("events").tBodies[0];
  body.replaceChildren();
  for (const e of page.events) {
    const tr = body.insertRow();
    for (const v of [fmtTime(e.t), e.object, e.reason, e.message]) tr.insertCell().textContent = v;
  }
}

function showGantt(r) {
  const box = $("gantt"), cursor = $("cursor");
  box.replaceChildren(cursor);
  const doc = r.code === 0 ? new DOMParser().parseFromString(r.stdout, "image/svg+xml") : null;
  if (!doc || doc.documentElement.nodeName !== "svg") {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = "No chart (jobsim run -o svg): " + (r.code === 0 ? "not an SVG document" : firstLine(r.stderr)) +
      ". Here is the text chart instead.";
    box.appendChild(p);
    // The text output ends with its chart: "Pods (one row per pod ..." on.
    const chart = /^\w+ \(one row per [\s\S]*/m.exec($("text").textContent);
    if (chart) box.appendChild(Object.assign(document.createElement("pre"), { className: "textchart", textContent: chart[0] }));
    return;
  }
  box.appendChild(document.importNode(doc.documentElement, true));
}

// parseTrace reads a Trace Event Format document: each pod's states (the
// "X" slices of its thread, then its final instant) and each Job's
// counters ("C" events named status).
function parseTrace(json) {
  const tr = JSON.parse(json);
  const procs = {}, threads = {}, jobs = {};
  const times = new Set([0]);
  for (const e of tr.traceEvents) {
    if (e.ph === "M" && e.name === "process_name") procs[e.pid] = e.args.name;
    if (e.ph === "M" && e.name === "thread_name") threads[e.pid + "/" + e.tid] = { name: e.args.name, pid: e.pid, slices: [], finals: [] };
  }
  for (const e of tr.traceEvents) {
    const s = e.ts / 1e6;
    const th = threads[e.pid + "/" + e.tid];
    if (e.ph === "X" && th) {
      th.slices.push({ from: s, to: s + e.dur / 1e6, state: e.name });
      times.add(s).add(s + e.dur / 1e6);
    } else if (e.ph === "i" && e.cat === "event") {
      times.add(s);
    } else if (e.ph === "i" && th) {
      th.finals.push({ t: s, state: e.name });
      times.add(s);
    } else if (e.ph === "C" && e.name === "status") {
      const name = procs[e.pid] || "job " + e.pid;
      (jobs[name] = jobs[name] || []).push({ t: s, active: e.args.active || 0, succeeded: e.args.succeeded || 0, failed: e.args.failed || 0 });
      times.add(s);
    }
  }
  let end = Math.max(...times);
  if (tr.otherData && tr.otherData.start && tr.otherData.end) {
    end = Math.max(end, (Date.parse(tr.otherData.end) - Date.parse(tr.otherData.start)) / 1000);
  }
  const pods = Object.values(threads).filter((th) => th.slices.length || th.finals.length);
  for (const p of pods) { p.slices.sort((a, b) => a.from - b.from); p.finals.sort((a, b) => a.t - b.t); p.where = procs[p.pid] || ""; }
  for (const c of Object.values(jobs)) c.sort((a, b) => a.t - b.t);
  return { end, times: [...times].sort((a, b) => a - b), pods, jobs };
}

// podState is a pod's state at t: the slice covering t, else its final
// instant once reached, else the last slice before t; "" before it exists.
function podState(p, t) {
  let last = "";
  for (const s of p.slices) {
    if (s.from <= t && t < s.to) return s.state;
    if (s.from <= t) last = s.state;
  }
  for (const f of p.finals) if (f.t <= t) last = f.state;
  return last;
}

function jobCounters(c, t) {
  let cur = { active: 0, succeeded: 0, failed: 0 };
  for (const x of c) if (x.t <= t) cur = x;
  return cur;
}

function showReplay(r) {
  const slider = $("slider");
  page.replay = null;
  try {
    if (r.code !== 0) throw new Error(firstLine(r.stderr));
    page.replay = parseTrace(r.stdout);
  } catch (e) {
    note($("replay"), "No replay (jobsim run -o trace): " + e.message);
    for (const id of ["slider", "prev", "next"]) $(id).disabled = true;
    $("at").textContent = "";
    $("cursor").hidden = true;
    return;
  }
  for (const id of ["slider", "prev", "next"]) $(id).disabled = false;
  slider.max = page.replay.end;
  slider.value = page.replay.end;
  replayAt(page.replay.end);
}

// replayAt shows every pod's state and every Job's counters at t seconds.
function replayAt(t) {
  const rp = page.replay;
  if (!rp) return;
  t = Math.min(Math.max(t, 0), rp.end);
  $("slider").value = t;
  $("at").textContent = fmtTime(t);
  document.body.dataset.at = t;
  const box = $("replay");
  box.replaceChildren();
  const table = (head, rows) => {
    const tb = document.createElement("table");
    tb.createTHead().insertRow().append(...head.map((h) => Object.assign(document.createElement("th"), { textContent: h })));
    const body = tb.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      Object.assign(tr.dataset, row.data);
      for (const [v, cls] of row.cells) Object.assign(tr.insertCell(), { textContent: v, className: cls || "" });
    }
    box.appendChild(tb);
  };
  table(["job", "active", "succeeded", "failed"], Object.entries(rp.jobs).map(([name, c]) => {
    const x = jobCounters(c, t);
    return { data: { job: name }, cells: [[name], [x.active, "num active"], [x.succeeded, "num succeeded"], [x.failed, "num failed"]] };
  }));
  table(["pod", "state", "on"], rp.pods.map((p) => {
    const st = podState(p, t);
    return { data: { pod: p.name }, cells: [[p.name], [st || "not yet created", "state s-" + (st || "none")], [p.where]] };
  }));
  // The events so far, and those of this instant.
  const rows = $("events").tBodies[0].rows;
  page.events.forEach((e, i) => {
    rows[i].classList.toggle("future", e.t > t + 1e-9);
    rows[i].classList.toggle("now", Math.abs(e.t - t) < 1e-9);
  });
  moveCursor(t);
}

// moveCursor draws t on the chart, between the ticks of its time axis.
function moveCursor(t) {
  const cursor = $("cursor"), box = $("gantt");
  const ticks = [...box.querySelectorAll("g.tick[data-t]")].map((g) => {
    const b = (g.querySelector("line") || g).getBoundingClientRect(); // the tick mark, not its label
    return { t: Number(g.dataset.t), x: b.left + b.width / 2 };
  }).sort((a, b) => a.t - b.t);
  if (ticks.length < 2 || ticks[ticks.length - 1].t === ticks[0].t) { cursor.hidden = true; return; }
  const a = ticks[0], b = ticks[ticks.length - 1];
  const x = a.x + (t - a.t) * (b.x - a.x) / (b.t - a.t);
  cursor.style.left = x - box.getBoundingClientRect().left + box.scrollLeft + "px";
  cursor.hidden = false;
}

function step(dir) {
  const rp = page.replay;
  if (!rp) return;
  const t = Number($("slider").value);
  const next = dir > 0 ? rp.times.find((x) => x > t + 1e-9) : [...rp.times].reverse().find((x) => x < t - 1e-9);
  if (next !== undefined) replayAt(next);
}

// fmtTime writes seconds as the command does: 1m30s, 2h5m, 0.5s.
function fmtTime(s) {
  if (s < 60) return +s.toFixed(3) + "s";
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = +(s % 60).toFixed(3);
  return (h ? h + "h" : "") + (h || m ? m + "m" : "") + (r ? r + "s" : "");
}

async function boot() {
  const [examples] = await Promise.all([fetch("examples.json").then((r) => r.json()), loadWasm()]);
  page.examples = examples;
  const pick = $("example");
  examples.forEach((x, i) => pick.add(new Option(x.title, i)));
  pick.add(new Option("(your own)", ""));
  pick.addEventListener("change", () => {
    if (pick.value === "") return;
    setInputs(examples[Number(pick.value)]);
    run();
  });
  for (const ed of Object.values(editors)) ed.ta.addEventListener("input", () => { pick.value = ""; });
  $("run").addEventListener("click", run);
  $("slider").addEventListener("input", () => replayAt(Number($("slider").value)));
  $("prev").addEventListener("click", () => step(-1));
  $("next").addEventListener("click", () => step(1));
  let restored = false;
  if (location.hash.length > 1) {
    try {
      const x = decodeInputs(location.hash.slice(1));
      setInputs({ manifest: { name: x.names[0], text: x.manifest },
        scenario: x.scenario ? { name: x.names[1], text: x.scenario } : null, flags: x.flags });
      pick.value = "";
      restored = true;
    } catch (e) {
      $("status").textContent = "the link's inputs could not be read; here is an example";
    }
  }
  if (!restored) setInputs(examples[0]);
  $("run").disabled = false;
  $("run").textContent = "Run";
  run();
  document.body.dataset.ready = "true";
}

boot().catch((e) => {
  $("run").textContent = "jobsim did not load";
  note($("problems"), "jobsim did not load: " + e.message);
  $("problems").hidden = false;
});
