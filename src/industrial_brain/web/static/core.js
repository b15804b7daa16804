// Industrial Brain dashboard core: state, the REST API client (/api/v1), number and unit formatting,
// charts with export (Apache ECharts), the account, and the view registry. Each view is its own file
// (view-*.js) that registers itself with IB.view(name, spec); a new view needs only its file and a
// <script> line in index.html (its tab button and section are made here when the page has none).
window.IB = (function () {
  "use strict";
  const API = "/api/v1";
  const S = {
    lang: localStorage.getItem("ib-lang") || "zh",
    token: sessionStorage.getItem("ib-token") || null,
    me: null, caps: {}, regions: {}, indicators: [], panel: null, indicator: null, year: null,
    charts: {}, view: "map", ioTable: null, keySectors: null, units: {},
  };
  window.ibrain = S; // for the browser tests and the curious

  const $ = (sel) => document.querySelector(sel);
  const t = (key) => (window.IB_STRINGS[S.lang] || {})[key] || key;

  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    if (S.token) headers["Authorization"] = "Bearer " + S.token;
    const r = await fetch(API + path, Object.assign({}, opts, { headers }));
    if (!r.ok) {
      let msg = r.status + " " + r.statusText;
      try { const b = await r.json(); msg = (S.lang === "zh" && b.detail_zh) || b.detail || msg; } catch (e) { /* not JSON */ }
      const err = new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
      err.status = r.status;
      throw err;
    }
    return r.json();
  }

  function showError(e) {
    const box = $("#error");
    if (!e) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    box.textContent = String(e.message || e);
  }

  // A number for people: ``digits`` decimals when given, else by size (no exponent below 10^9).
  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e9 || a < 1e-3)) return v.toExponential(3);
    const d = digits !== undefined ? digits : a >= 100 ? 1 : a >= 1 ? 2 : 3;
    return v.toLocaleString(S.lang === "zh" ? "zh-CN" : "en-GB", { minimumFractionDigits: digits !== undefined ? d : 0, maximumFractionDigits: d });
  }

  // units as a reader writes them (10^8 CNY → 亿元 in Chinese): the labels are the server's
  // (GET /catalog/units, read once at start into S.units: code or alias → {en, zh})
  function unitLabel(u) {
    const raw = String(u).trim(), unsure = raw.endsWith("(?)"), k = raw.replace(/\s*\(\?\)$/, "");
    const known = S.units[k];
    const name = known ? (S.lang === "zh" ? known.zh : known.en) || k : k;
    return unsure ? (name ? name + (S.lang === "zh" ? "（？）" : " (?)") : "?") : name;
  }

  function regionName(code) {
    const r = S.regions[code];
    if (!r) return code;
    return S.lang === "zh" ? (r.name_zh_short || r.name_zh) : r.name_en;
  }

  // a table row of text cells (never HTML); ``num`` lists the right-aligned columns
  function row(cells, num = []) {
    const tr = document.createElement("tr");
    cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (num.includes(i)) td.className = "num"; tr.appendChild(td); });
    return tr;
  }

  function label(obj) { return (S.lang === "zh" ? obj.name_zh : obj.name_en) || obj.name_en || obj.code; }

  // Every chart gets the same export tools (PNG at twice the screen resolution, its data as a table).
  function chart(id) {
    if (!S.charts[id]) {
      const c = echarts.init(document.getElementById(id));
      const set = c.setOption.bind(c);
      c.setOption = (opt, ...rest) => set(Object.assign({
        toolbox: { right: 6, top: 2, feature: {
          saveAsImage: { name: "ibrain-" + id, pixelRatio: 2, title: t("save_png") },
          dataView: { readOnly: true, title: t("data_view"), lang: [t("data_view"), t("close"), t("refresh")] } } },
      }, opt), ...rest);
      S.charts[id] = c;
    }
    return S.charts[id];
  }

  // Download an API answer (CSV) with the caller's token, as a file named ``name``.
  // Hand a Blob to the reader as a file named ``name``.
  function save(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // Download an API answer (CSV) with the caller's token, as a file named ``name``.
  async function download(path, name) {
    const headers = S.token ? { Authorization: "Bearer " + S.token } : {};
    const r = await fetch(API + path, { headers });
    if (!r.ok) throw new Error(r.status + " " + r.statusText);
    save(await r.blob(), name);
  }

  // ---------------------------------------------------------------- table export
  // One export for every table of the dashboard, CSV or XLSX, each with the table's title, unit, source
  // (and "synthetic data" when it is) in header rows above the column names. A table is
  // { name, title, unit, source, synthetic, columns: [label…], rows: [[cell…]…] }; numbers stay numbers
  // in the XLSX (write-excel-file writes the workbook; CSV is UTF-8 with a byte-order mark so that
  // spreadsheet programs read the Chinese).
  function headerRows(tb) {
    const rows = [[tb.title || tb.name]];
    if (tb.unit) rows.push([t("unit") + ": " + tb.unit]);
    if (tb.source) rows.push([t("source") + ": " + tb.source]);
    if (tb.synthetic) rows.push([t("synthetic_data")]);
    return rows;
  }

  function csvCell(v) {
    const s = v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? "" : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  async function exportTable(tb, format) {
    const lines = headerRows(tb).concat([tb.columns], tb.rows);
    if (format === "xlsx") {
      if (typeof writeXlsxFile === "undefined") throw new Error("xlsx writer missing: run 'make install'");
      const head = headerRows(tb).length;
      const cell = (v, i) => (typeof v === "number" && Number.isFinite(v) ? { value: v, type: Number }
        : { value: v === null || v === undefined ? "" : String(v), fontWeight: i === head ? "bold" : undefined });
      const sheet = lines.map((r, i) => r.map((v) => cell(v, i)));
      save(await writeXlsxFile(sheet).toBlob(), tb.name + ".xlsx");
    } else {
      save(new Blob(["\ufeff" + lines.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }), tb.name + ".csv");
    }
  }

  // The table a rendered <table> shows (column names from its head, cells as the reader sees them,
  // figures back to numbers).
  function tableOf(el) {
    const num = (td) => { const v = Number(td.textContent.replace(/[,\s\u2020]/g, "")); return td.classList.contains("num") && td.textContent.trim() && Number.isFinite(v) ? v : td.textContent.trim(); };
    return { columns: [...el.querySelectorAll("thead th")].map((th) => th.textContent.trim()),
      rows: [...el.querySelectorAll("tbody tr")].map((tr) => [...tr.cells].map(num)) };
  }

  // CSV and XLSX buttons for a table: ``describe()`` gives { name, title, unit, source, synthetic } and,
  // when the rows are not those of ``tableEl`` (e.g. all pages of a paged list), columns and rows.
  function exportButtons(tableEl, describe) {
    const bar = document.createElement("div");
    bar.className = "export";
    for (const fmtName of ["csv", "xlsx"]) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "export-" + fmtName; b.textContent = fmtName.toUpperCase();
      b.title = t("export") + " " + fmtName.toUpperCase();
      b.addEventListener("click", async () => {
        try { const d = await describe(); await exportTable(Object.assign(tableOf(tableEl), d), fmtName); } catch (e) { showError(e); }
      });
      bar.appendChild(b);
    }
    tableEl.before(bar);
    return bar;
  }

  // PNG (twice the screen resolution, white ground) and, with ``describe``, CSV and XLSX of the data a
  // chart draws, in a bar above the chart: ``describe()`` gives a table as exportTable() takes it.
  function chartExports(id, describe) {
    const el = document.getElementById(id);
    const old = document.getElementById(id + "-export");
    if (old) old.remove();
    const bar = document.createElement("div");
    bar.className = "export"; bar.id = id + "-export";
    const png = document.createElement("button");
    png.type = "button"; png.className = "export-png"; png.textContent = "PNG"; png.title = t("save_png");
    png.addEventListener("click", async () => {
      try {
        const c = S.charts[id];
        if (!c) return;
        const url = c.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff", excludeComponents: ["toolbox"] });
        const bin = atob(url.split(",")[1]), bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        save(new Blob([bytes], { type: "image/png" }), "ibrain-" + id + ".png");
      } catch (e) { showError(e); }
    });
    bar.appendChild(png);
    if (describe) {
      for (const fmtName of ["csv", "xlsx"]) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "export-" + fmtName; b.textContent = fmtName.toUpperCase();
        b.title = t("export") + " " + fmtName.toUpperCase();
        b.addEventListener("click", async () => { try { await exportTable(await describe(), fmtName); } catch (e) { showError(e); } });
        bar.appendChild(b);
      }
    }
    // in a grid the bar and its chart share one cell
    if (el.parentElement.classList.contains("grid") || el.parentElement.classList.contains("two")) {
      const cell = document.createElement("div");
      cell.className = "chart-cell";
      el.before(cell);
      cell.append(bar, el);
    } else el.before(bar);
    return bar;
  }

  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

  // ---------------------------------------------------------------- account
  async function login(ev) {
    ev.preventDefault();
    try {
      const form = new URLSearchParams({ username: $("#username").value, password: $("#password").value });
      const r = await fetch(API + "/auth/token", { method: "POST", body: form });
      const j = await r.json();
      if (!r.ok) throw new Error(j.detail || r.statusText);
      S.token = j.access_token;
      sessionStorage.setItem("ib-token", S.token);
      $("#password").value = "";
      await whoAmI();
      applyLang();
    } catch (e) { showError(e); }
  }

  async function logout() {
    try { await api("/auth/logout", { method: "POST" }); } catch (e) { /* token already gone */ }
    S.token = null;
    sessionStorage.removeItem("ib-token");
    await whoAmI();
    applyLang();
  }

  async function whoAmI() {
    try { S.me = await api("/auth/me"); } catch (e) { S.token = null; sessionStorage.removeItem("ib-token"); S.me = await api("/auth/me"); }
  }


  // ---------------------------------------------------------------- views
  // spec: { tab: i18n key of the tab label (a button is made when index.html has none), init(): wire events
  // once the page is up, ready(): after the first language pass, load(): when the view is shown (and on
  // a language change while shown), lang(): on every language change, shown or not }
  // a view's own interface strings, merged into IB_STRINGS (i18n.js holds the shared ones)
  function strings(more) {
    for (const lang of Object.keys(more)) window.IB_STRINGS[lang] = Object.assign(window.IB_STRINGS[lang] || {}, more[lang]);
  }

  const VIEWS = {};
  const ORDER = [];
  function view(name, spec) {
    VIEWS[name] = spec;
    ORDER.push(name);
  }

  function ensureView(name) {
    const spec = VIEWS[name];
    if (spec.tab && !document.querySelector('#tabs button[data-view="' + name + '"]')) {
      const b = document.createElement("button");
      b.dataset.view = name; b.dataset.i18n = spec.tab; b.textContent = t(spec.tab);
      $("#tabs").appendChild(b);
    }
    if (!document.getElementById("view-" + name)) {
      const s = document.createElement("section");
      s.id = "view-" + name; s.className = "view"; s.hidden = true;
      $("main").appendChild(s);
    }
  }

  function applyLang() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $("#lang").textContent = t("lang_button");
    // the account's name as it is (a proper noun), its role in the page's language
    $("#who").innerHTML = S.me && S.me.username ? "<span class=user>" + esc(S.me.username) + "</span> · " + esc(t("role_" + S.me.role)) : esc(t("public"));
    for (const name of ORDER) if (VIEWS[name].lang) VIEWS[name].lang();
    const cur = VIEWS[S.view];
    if (cur && cur.load) cur.load();
  }

  function switchView(name) {
    S.view = name;
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === name));
    document.querySelectorAll(".view").forEach((s) => { s.hidden = s.id !== "view-" + name; });
    showError(null);
    const spec = VIEWS[name];
    if (spec && spec.load) spec.load();
    Object.values(S.charts).forEach((c) => c.resize());
  }

  async function start() {
    ORDER.forEach(ensureView);
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => switchView(b.dataset.view)));
    $("#lang").addEventListener("click", () => { S.lang = S.lang === "zh" ? "en" : "zh"; localStorage.setItem("ib-lang", S.lang); applyLang(); });
    window.addEventListener("resize", () => Object.values(S.charts).forEach((c) => c.resize()));
    try {
      if (typeof echarts === "undefined") throw new Error("charting library missing: run 'make install' (npm install of echarts into web/vendor)");
      await whoAmI();
      S.caps = await api("/capabilities");
      try { for (const u of (await api("/catalog/units")).data) for (const k of [u.unit].concat(u.aliases || [])) S.units[k] = u; } catch (e) { /* older server: codes as they are */ }
      const regs = (await api("/regions")).data;
      for (const r of regs) S.regions[r.code] = r;
      await Promise.all(ORDER.map((n) => VIEWS[n].init && VIEWS[n].init()));
      applyLang();
      for (const n of ORDER) if (VIEWS[n].ready) await VIEWS[n].ready();
      document.body.dataset.ready = "1";
    } catch (e) { showError(e); document.body.dataset.ready = "error"; }
  }

  document.addEventListener("DOMContentLoaded", start);

  return { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, save, exportTable, exportButtons, chartExports, esc,
    login, logout, whoAmI, applyLang, switchView, view, strings };
})();
