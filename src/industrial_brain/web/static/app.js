// Industrial Brain dashboard: plain JavaScript on the REST API (/api/v1) with Apache ECharts.
(function () {
  "use strict";
  const API = "/api/v1";
  const S = {
    lang: localStorage.getItem("ib-lang") || "zh",
    token: sessionStorage.getItem("ib-token") || null,
    me: null, caps: {}, regions: {}, indicators: [], panel: null, indicator: null, year: null,
    charts: {}, view: "map", ioTable: null, keySectors: null,
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

  // units as a reader writes them (10^8 CNY → 亿元 in Chinese)
  const UNIT_ZH = { "10^8 CNY": "亿元", "10^4 CNY": "万元", "CNY": "元", "CNY/person": "元/人", "10^4 t": "万吨", "t": "吨",
    "10^4 persons": "万人", "persons": "人", "10^4 tce": "万吨标准煤", "10^8 m3": "亿立方米", "10^8 kWh": "亿千瓦时",
    "Mt CO2": "百万吨二氧化碳", "km": "公里", "10^4 km": "万公里", "count": "个", "index": "指数", "share": "比重",
    "ratio": "比值", "ports/person": "个/人", "undocumented": "单位未注明", "%": "%" };
  const UNIT_EN = { "10^8 CNY": "100 million CNY" };
  // a unit the source leaves uncertain is stored with " (?)": it keeps its question mark
  function unitLabel(u) {
    const raw = String(u).trim(), unsure = raw.endsWith("(?)"), k = raw.replace(/\s*\(\?\)$/, "");
    const name = S.lang === "zh" ? (UNIT_ZH[k] || k) : (UNIT_EN[k] || k);
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
  async function download(path, name) {
    const headers = S.token ? { Authorization: "Bearer " + S.token } : {};
    const r = await fetch(API + path, { headers });
    if (!r.ok) throw new Error(r.status + " " + r.statusText);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await r.blob());
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // ---------------------------------------------------------------- language
  function applyLang() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $("#lang").textContent = t("lang_button");
    $("#who").textContent = S.me && S.me.username ? S.me.username + " · " + S.me.role : t("public");
    fillIndicators();
    renderMap();
    if (S.view === "chain") loadChain();
    if (S.view === "enterprise") loadEnterprise();
    if (S.view === "resilience") loadResilience();
  }

  // ---------------------------------------------------------------- map view
  function fillIndicators() {
    const sel = $("#indicator");
    const cur = S.indicator;
    sel.innerHTML = "";
    const groups = {};
    for (const ind of S.indicators) {
      const g = ind.dimension || "other";
      if (!groups[g]) { groups[g] = document.createElement("optgroup"); groups[g].label = t("dim_" + g) === "dim_" + g ? g : t("dim_" + g); sel.appendChild(groups[g]); }
      const o = document.createElement("option");
      o.value = ind.key;
      o.textContent = label(ind) + (ind.unit ? " (" + unitLabel(ind.unit) + ")" : "");
      groups[g].appendChild(o);
    }
    if (cur) sel.value = cur;
  }

  async function loadIndicators() {
    const inds = (await api("/indicators")).data.filter((d) => d.regions >= 25);
    S.indicators = inds.map((d) => Object.assign({ key: "panel:" + d.dataset_id + ":" + d.code, source: "panel" }, d));
    // macro results (indices, coupling coordination level, Moran quadrant) when a macro run exists
    if (S.caps.macro) {
      try {
        const run = await api("/runs/latest?kind=macro");
        const ms = (await api("/macro/measures")).data;
        for (const m of ms) {
          S.indicators.push({ key: "macro:" + m.measure, source: "macro", code: m.measure, run_id: run.run_id,
            name_en: m.name_en, name_zh: m.name_zh, unit: "", dimension: t("macro_results") });
        }
      } catch (e) { /* no macro run yet */ }
    }
    const first = S.indicators.find((d) => d.code === "gdp_100m_cny") || S.indicators[0];
    S.indicator = first ? first.key : null;
    fillIndicators();
  }

  async function loadPanel() {
    const ind = S.indicators.find((d) => d.key === S.indicator);
    if (!ind) return;
    let rows, ans;
    // each value keeps its quality note (own or its year's: shown with a dagger) for the map and ranking
    const marks = (r) => ({ note: r.quality_note || null, flags: r.year_flags || [] });
    if (ind.source === "macro") {
      const q = "/macro/map?measure=" + encodeURIComponent(ind.code) + "&run_id=" + encodeURIComponent(ind.run_id);
      ans = await api(q);
      rows = ans.data.map((r) => Object.assign({ region_code: r.region_code, year: r.year, value: r.value, label: r.label }, marks(r)));
      if (ind.code === "lisa.cluster") rows.forEach((r) => { r.value = LISA[r.label] === undefined ? null : LISA[r.label]; });
    } else {
      const q = "/panel?indicator=" + encodeURIComponent(ind.code) + "&dataset=" + encodeURIComponent(ind.dataset_id) + "&limit=100000";
      ans = await api(q);
      rows = ans.data.map((r) => Object.assign({ region_code: r.region_code, year: r.year, value: r[ind.code] }, marks(r)));
    }
    S.panel = { ind, rows, defaultYear: ans.default_year, skipped: ans.skipped_years || [] };
    const years = [...new Set(rows.filter((r) => r.value !== null).map((r) => r.year))].sort((a, b) => a - b);
    const slider = $("#year");
    slider.min = years[0]; slider.max = years[years.length - 1];
    // open on the latest year without an error or partial-year note, unless the reader moved the slider
    const opening = years.includes(ans.default_year) ? ans.default_year : years[years.length - 1];
    if (!S.yearPicked || S.year < years[0] || S.year > years[years.length - 1]) S.year = opening;
    slider.value = S.year;
    renderMap();
  }

  const LISA = { ns: 0, HH: 1, LH: 2, LL: 3, HL: 4 };
  const LEVEL_ZH = ["极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调"];
  const LEVEL_EN = ["extreme disorder", "serious disorder", "moderate disorder", "mild disorder", "verge of disorder",
    "barely coordinated", "primary coordination", "intermediate coordination", "good coordination", "quality coordination"];
  const LEVEL_COLORS = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850", "#006837"];

  // piecewise legend for categorical measures (coupling coordination level, LISA quadrant), else null
  function categories(ind) {
    if (ind.source !== "macro") return null;
    if (ind.code === "level") {
      return LEVEL_EN.map((en, i) => ({ value: i, label: (i + 1) + " " + (S.lang === "zh" ? LEVEL_ZH[i] : en), color: LEVEL_COLORS[i] }));
    }
    if (ind.code === "lisa.cluster") {
      const zh = S.lang === "zh";
      return [
        { value: 1, label: zh ? "高-高 HH" : "high-high HH", color: "#d7301f" },
        { value: 2, label: zh ? "低-高 LH" : "low-high LH", color: "#9ecae1" },
        { value: 3, label: zh ? "低-低 LL" : "low-low LL", color: "#2171b5" },
        { value: 4, label: zh ? "高-低 HL" : "high-low HL", color: "#fc9272" },
        { value: 0, label: zh ? "不显著" : "not significant", color: "#e5e5e5" },
      ];
    }
    return null;
  }

  function renderMap() {
    if (!S.panel || !S.geoReady) return;
    const { ind, rows } = S.panel;
    const y = Number(S.year);
    $("#year-label").textContent = y;
    const data = rows.filter((r) => r.year === y && r.value !== null && r.value !== undefined && r.region_code !== "100000")
      .map((r) => ({ name: r.region_code, value: r.value, note: r.note, flags: r.flags }));
    const vals = data.map((d) => d.value);
    const cat = categories(ind);
    const unit = ind.unit ? unitLabel(ind.unit) : "";
    const show = (v) => (cat ? (cat.find((p) => p.value === v) || {}).label || fmt(v) : fmt(v) + (unit ? " " + unit : ""));
    // the legend's ends are the data's own range with as many decimals as it needs, and its unit
    const lo = vals.length ? Math.min(...vals) : 0, hi = vals.length ? Math.max(...vals) : 1;
    const visualMap = cat
      ? { type: "piecewise", pieces: cat, left: 10, bottom: 10 }
      : { min: lo, max: hi, left: 10, bottom: 10, calculable: true, precision: Math.max(0, Math.min(3, 2 - Math.floor(Math.log10((hi - lo) || 1)))),
        formatter: (v) => fmt(v), text: [unit || t("value"), ""], inRange: { color: ["#e0f3f8", "#74add1", "#313695"] } };
    // provinces without a value: drawn apart (white, dashed border) and named in the key below the map
    const have = new Set(data.map((d) => d.name));
    const blankCodes = Object.keys(S.regions).filter((c) => c !== "100000" && !have.has(c));
    // the key names the 31 provinces the panels cover (Taiwan, Hong Kong and Macao are never in them)
    const missing = blankCodes.filter((c) => S.regions[c].region4_en);
    const blank = blankCodes.map((c) => ({ name: c, value: NaN, itemStyle: { areaColor: "#ffffff", borderColor: "#8a96a3", borderType: "dashed" } }));
    const c = chart("map");
    c.setOption({
      title: { text: label(ind) + " · " + y, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item", formatter: (p) => regionName(p.name) + "<br>" + (p.value === undefined || Number.isNaN(p.value) ? t("no_data") : show(p.value) + dagger(p.data)) +
        (p.data && noteText(p.data) ? '<br><span style="white-space:normal;display:inline-block;max-width:22rem;font-size:11px">' + esc(noteText(p.data)) + "</span>" : "") },
      visualMap,
      series: [{ type: "map", map: "china", roam: true, data: data.concat(blank), emphasis: { label: { show: true, formatter: (p) => regionName(p.name) } },
        label: { show: false, formatter: (p) => regionName(p.name) } }],
    }, { replaceMerge: ["visualMap"] });
    c.dispatchAction({ type: "downplay", seriesIndex: 0 });
    const tbody = $("#ranking tbody");
    tbody.innerHTML = "";
    // ordinal measures are ranked; classes (LISA quadrants) are grouped in their legend's order, not ranked
    const ranked = !cat || ind.code === "level";
    const order = cat ? Object.fromEntries(cat.map((p, i) => [p.value, i])) : {};
    const sorted = ranked ? data.sort((a, b) => b.value - a.value)
      : data.sort((a, b) => order[a.value] - order[b.value] || regionName(a.name).localeCompare(regionName(b.name), S.lang === "zh" ? "zh-CN" : "en"));
    sorted.forEach((d, i) => {
      const tr = row([ranked ? String(i + 1) : "", regionName(d.name), (cat ? show(d.value) : fmt(d.value)) + dagger(d)], [2]);
      tr.dataset.code = d.name;
      if (dagger(d)) { tr.cells[2].title = noteText(d); tr.dataset.note = "1"; }
      tbody.appendChild(tr);
    });
    const mapEl = $("#map");
    mapEl.dataset.regions = String(data.length);
    mapEl.dataset.year = String(y);
    $("#map-note").textContent = data.length + " " + t("values_shown") + (ind.unit ? " · " + t("unit") + ": " + unitLabel(ind.unit) : "") +
      (ind.dataset_id ? " · " + t("source") + ": " + ind.dataset_id : "");
    const marked = data.filter((d) => dagger(d)).length;
    mapEl.dataset.marked = String(marked);
    mapEl.dataset.missing = String(missing.length);
    $("#map-legend").textContent = (missing.length ? t("no_data_key") + ": " + missing.map(regionName).join(S.lang === "zh" ? "、" : ", ") + (S.lang === "zh" ? "。" : ". ") : "") +
      (marked ? MARK + " " + t("mark_legend") + (S.lang === "zh" ? "。" : ". ") : "") + yearNote(S.panel, y);
  }

  const MARK = "\u2020";
  const dagger = (d) => (d && (d.note || (d.flags && d.flags.length)) ? " " + MARK : "");
  const KIND_ZH = { partial_year: "不完整年份", outlier: "异常值", identity: "恒等式不符", level_break: "水平断点", repeated_value: "重复值" };
  function kindName(k) { return S.lang === "zh" ? (KIND_ZH[k] || k) : k.replace(/_/g, " "); }
  // the value's own notes, else the kinds of the notes on its year
  function noteText(d) {
    if (d.note) return d.note;
    return d.flags && d.flags.length ? d.flags.map(kindName).join(", ") + " · " + t("year_note") : "";
  }
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  // why the map opened where it did: the default year and the later years skipped, with their reasons
  function yearNote(p, y) {
    if (!p || p.defaultYear === null || p.defaultYear === undefined) return "";
    const zh = S.lang === "zh";
    const why = p.skipped.map((s) => s.year + (zh ? "（" : " (") + [...new Set(s.notes.map((n) => n.kind === "partial_year" ? kindName(n.kind) : (zh ? "错误值" : "errors")))].join(zh ? "、" : ", ") + (zh ? "）" : ")"));
    const head = (zh ? "默认年份 " : "Default year ") + p.defaultYear + (zh ? "：无错误值和不完整年份标注的最新年份" : ": the latest without errors or a partial-year note");
    return head + (why.length ? (zh ? "；跳过 " : "; skipped ") + why.join(zh ? "，" : ", ") : "") + (zh ? "。" : ".") +
      (y !== p.defaultYear && p.skipped.some((s) => s.year === y) ? (zh ? " 当前年份有质量提示，勿与完整年份比较排名。" : " This year carries such a note: do not compare its ranking with complete years.") : "");
  }

  async function loadGeo() {
    const geo = await (await fetch(API + "/geo/provinces")).json();
    for (const f of geo.features) f.properties.name = String(f.properties.adcode);
    echarts.registerMap("china", geo);
    S.geoReady = true;
  }

  // ---------------------------------------------------------------- chain view
  async function loadChain() {
    try {
      const sel = $("#io-table");
      if (!sel.options.length) {
        const tabs = (await api("/io-tables")).data;
        for (const tb of tabs) {
          const o = document.createElement("option");
          o.value = tb.table_id; o.textContent = tb.table_id + " (" + tb.year + ", " + tb.sectors + ")";
          sel.appendChild(o);
        }
        sel.value = tabs.some((x) => x.table_id === "cn_nbs_io_2020_42") ? "cn_nbs_io_2020_42" : tabs[0].table_id;
      }
      const tid = sel.value;
      const ks = await api("/io-tables/" + encodeURIComponent(tid) + "/key-sectors?lang=" + S.lang);
      S.keySectors = ks;
      S.chokepoints = new Set();
      if (S.caps.io) {
        try {
          const ch = await api("/chain/" + encodeURIComponent(tid) + "/chokepoints?top=5&lang=" + S.lang);
          S.chokepoints = new Set(ch.data.map((r) => r.sector));
        } catch (e) { /* chain service unavailable for this table */ }
      }
      const ssel = $("#io-sector");
      const cur = ssel.value;
      ssel.innerHTML = "";
      for (const r of ks.data) {
        const o = document.createElement("option");
        o.value = r.sector; o.textContent = r.sector + " " + (r.name || "");
        ssel.appendChild(o);
      }
      ssel.value = ks.data.some((r) => r.sector === cur) ? cur : ks.data.reduce((a, b) => (b.backward > a.backward ? b : a)).sector;
      renderScatter();
      await renderChainGraph();
      showError(null);
    } catch (e) { showError(e); }
  }

  function renderScatter() {
    const ks = S.keySectors;
    const colors = { key: "#d7301f", backward_oriented: "#2c7fb8", forward_oriented: "#41ab5d", weak: "#969696" };
    const series = Object.keys(colors).map((q) => ({
      name: t(q), type: "scatter", itemStyle: { color: colors[q] }, symbolSize: 9,
      data: ks.data.filter((r) => r.quadrant === q).map((r) => ({ value: [r.backward, r.forward], name: r.sector + " " + (r.name || ""),
        symbol: S.chokepoints.has(r.sector) ? "diamond" : "circle", symbolSize: S.chokepoints.has(r.sector) ? 16 : 9,
        itemStyle: S.chokepoints.has(r.sector) ? { borderColor: "#000", borderWidth: 1.5 } : undefined })),
    }));
    chart("linkage-scatter").setOption({
      tooltip: { formatter: (p) => p.name + "<br>" + t("backward") + " " + fmt(p.value[0]) + "<br>" + t("forward") + " " + fmt(p.value[1]) },
      legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 45 },
      xAxis: { name: t("backward"), nameLocation: "middle", nameGap: 28, scale: true },
      yAxis: { name: t("forward"), nameLocation: "middle", nameGap: 36, scale: true },
      series: series.concat([{ type: "line", data: [], markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" },
        data: [{ xAxis: 1 }, { yAxis: 1 }] } }]),
    }, true);
  }

  async function renderChainGraph() {
    const tid = $("#io-table").value, sec = $("#io-sector").value;
    const links = await api("/io-tables/" + encodeURIComponent(tid) + "/links?sector=" + encodeURIComponent(sec) + "&top=8&lang=" + S.lang);
    const quad = Object.fromEntries(S.keySectors.data.map((r) => [r.sector, r.quadrant]));
    // Coordinates in the chart's own pixels (data extent = layout box), so nodes keep their shape and
    // the labels beside the outer columns get the room there is (phones: about 130 px each side).
    const box = document.getElementById("chain-graph");
    const W = box.clientWidth, H = Math.max(200, box.clientHeight - 70);
    const lw = Math.max(70, Math.min(190, W / 2 - 50));
    const rows = Math.max(links.upstream.length, links.downstream.length, 2);
    const yAt = (i) => (i * H) / (rows - 1);
    const nodes = [], edges = [], seen = new Set();
    const node = (code, name, x, y, side) => {
      const id = code + "@" + side;
      if (!seen.has(id)) {
        seen.add(id);
        nodes.push({ id, name: code + " " + (name || ""), x, y, symbolSize: code === sec ? 30 : 18,
          symbol: S.chokepoints.has(code) ? "diamond" : "circle",
          itemStyle: { color: quad[code] === "key" ? "#d7301f" : code === sec ? "#12355b" : "#74add1",
            borderColor: S.chokepoints.has(code) ? "#000" : undefined, borderWidth: S.chokepoints.has(code) ? 2 : 0 },
          label: { show: true, position: side === "up" ? "left" : side === "down" ? "right" : "bottom", fontSize: 11,
            width: side === "centre" ? Math.min(220, W - 2 * lw + 60) : lw - 14, overflow: "truncate",
            backgroundColor: side === "centre" ? "rgba(255,255,255,0.85)" : undefined } });
      }
      return id;
    };
    const centre = node(sec, links.name, W / 2, H / 2, "centre");
    links.upstream.forEach((u, i) => { edges.push({ source: node(u.sector, u.name, lw, yAt(i), "up"), target: centre, value: u.coefficient,
      lineStyle: { width: 1 + 10 * u.coefficient / (links.upstream[0].coefficient || 1) } }); });
    links.downstream.forEach((d, i) => { edges.push({ source: centre, target: node(d.sector, d.name, W - lw, yAt(i), "down"), value: d.coefficient,
      lineStyle: { width: 1 + 10 * d.coefficient / (links.downstream[0].coefficient || 1) } }); });
    chart("chain-graph").setOption({
      tooltip: { formatter: (p) => p.dataType === "edge" ? fmt(p.value, 4) : p.name },
      title: [{ text: t("upstream"), left: 8, top: 0, textStyle: { fontSize: 12 } }, { text: t("downstream"), right: 72, top: 0, textStyle: { fontSize: 12 } }],
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: edges, edgeSymbol: ["none", "arrow"],
        lineStyle: { color: "#9ecae1", curveness: 0.15, opacity: 0.9 }, left: lw, right: lw, top: 40, bottom: 30 }],
    }, true);
    box.dataset.nodes = String(nodes.length);
  }

  // ---------------------------------------------------------------- enterprise view
  const PAGE = 20;

  async function loadEnterprise() {
    const body = $("#enterprise-body");
    $("#logout").hidden = !S.token;
    $("#login").querySelectorAll("label, button[type=submit]").forEach((el) => { el.hidden = !!S.token; });
    body.innerHTML = "";
    try {
      if (S.me && S.me.role === "enterprise") {
        const own = (await api("/enterprises?limit=1&lang=" + S.lang)).data[0];
        const card = document.createElement("div");
        card.className = "card";
        card.innerHTML = "<h3>" + t("enterprise_record") + "</h3>";
        card.appendChild(firmTable([own], false));
        body.appendChild(card);
        if (S.caps.assess) await renderAssessment(body, own && own.sector_code);
      } else if (S.me && S.me.role !== "public") {
        await renderRegister(body);
      } else {
        body.innerHTML = "<p class=note>" + t("login_needed") + "</p>";
      }
      let agg;
      try { agg = await api("/enterprises/aggregates?by=sector&lang=" + S.lang); } catch (e) {
        // no release of the aggregates yet: say so where the chart would be
        if (S.charts["aggregate-chart"]) { S.charts["aggregate-chart"].dispose(); delete S.charts["aggregate-chart"]; }
        $("#aggregate-chart").innerHTML = "<p class=note id=no-release>" + t("no_release") + "</p>";
        showError(null);
        return;
      }
      const rows = agg.data.filter((r) => r.sector !== "ALL");
      chart("aggregate-chart").setOption({
        tooltip: {}, grid: { left: 60, right: 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: rows.map((r) => (r.sector_name || r.sector) + (r.suppressed ? " (" + t("suppressed") + ")" : "")), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", name: t("mean") },
        series: [{ type: "bar", data: rows.map((r) => (r.suppressed ? null : r.mean)), itemStyle: { color: "#2c7fb8" } }],
      }, true);
      showError(null);
    } catch (e) { showError(e); }
  }

  // A table of enterprises; with ``open`` a click on a row opens that firm's profile.
  function firmTable(firms, open) {
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    const table = document.createElement("table");
    table.className = open ? "firms clickable" : "firms";
    table.innerHTML = "<thead><tr>" + ["uscc", "firm_name", "sector", "region", "score", "level"].map((k, i) =>
      "<th" + (i === 4 ? " class=num" : "") + ">" + t(k) + "</th>").join("") + "</tr></thead>";
    const tb = document.createElement("tbody");
    for (const e of firms) {
      const tr = row([e.uscc, e.name || "", e.sector_name || e.sector_code || "", regionName(e.region_code), fmt(e.total_score, 1), e.level || "–"], [4]);
      tr.dataset.uscc = e.uscc;
      if (open) { tr.tabIndex = 0; tr.addEventListener("click", () => open(e)); tr.addEventListener("keydown", (k) => { if (k.key === "Enter") open(e); }); }
      tb.appendChild(tr);
    }
    table.appendChild(tb);
    wrap.appendChild(table);
    return wrap;
  }

  // The analyst's and administrator's register: search by name or USCC, pages of 20, CSV export
  // of everything that matches, a click opens the firm's profile below the list.
  async function renderRegister(body) {
    const card = document.createElement("div");
    card.className = "card";
    card.id = "register";
    card.innerHTML = "<h3>" + t("enterprise_register") + "</h3>" +
      "<div class=controls><label><span>" + t("search") + "</span> <input id=firm-search type=search placeholder='" + t("search_hint") +
      "'></label><button type=button id=firm-export>" + t("export_csv") + "</button></div>" +
      "<div id=firm-list></div><div class='controls pager'><button type=button id=firm-prev>‹ " + t("previous") +
      "</button><span id=firm-count></span><button type=button id=firm-next>" + t("next") + " ›</button></div>" +
      "<div id=firm-profile></div>";
    body.appendChild(card);
    const st = S.register || (S.register = { search: "", offset: 0 });
    const query = () => "/enterprises?lang=" + S.lang + "&limit=" + PAGE + "&offset=" + st.offset + (st.search ? "&search=" + encodeURIComponent(st.search) : "");
    const draw = async () => {
      const list = await api(query());
      $("#firm-list").replaceChildren(firmTable(list.data, (e) => openFirm(e)));
      const from = list.count ? st.offset + 1 : 0, to = Math.min(st.offset + PAGE, list.count);
      $("#firm-count").textContent = t("rows_of").replace("{from}", fmt(from)).replace("{to}", fmt(to)).replace("{n}", fmt(list.count));
      $("#firm-prev").disabled = st.offset === 0;
      $("#firm-next").disabled = to >= list.count;
    };
    const search = $("#firm-search");
    search.value = st.search;
    let timer = null;
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { st.search = search.value.trim(); st.offset = 0; draw().catch(showError); }, 250); });
    $("#firm-prev").addEventListener("click", () => { st.offset = Math.max(0, st.offset - PAGE); draw().catch(showError); });
    $("#firm-next").addEventListener("click", () => { st.offset += PAGE; draw().catch(showError); });
    $("#firm-export").addEventListener("click", () => download(query().replace(/limit=\d+&offset=\d+/, "limit=10000&offset=0") + "&format=csv", "enterprises.csv").catch(showError));
    await draw();
    if (st.open) await openFirm(st.open);
  }

  async function openFirm(e) {
    S.register.open = e;
    const box = $("#firm-profile");
    box.innerHTML = "<h3 id=firm-title></h3><div id=profile></div>";
    $("#firm-title").textContent = (e.name || "") + " · " + e.uscc + " · " + (e.sector_name || e.sector_code || "") + " · " + regionName(e.region_code);
    await renderProfile(e.uscc);
    box.scrollIntoView({ block: "start" });
  }

  // ---------------------------------------------------------------- self-assessment (enterprise accounts)
  // The questions are those of the enterprise's own sector (base questions plus its sector variant's,
  // which the server requires like the rest). Answers live in S.answers and in sessionStorage, so a
  // tab or language switch redraws the form with them; problems are shown next to their question.
  const answersKey = () => "ib-answers-" + (S.me && S.me.uscc);

  function keepAnswer(el) {
    const a = S.answers;
    if (el.dataset.type === "multiple_choice") a[el.name] = [...el.selectedOptions].map((o) => o.value);
    else a[el.name] = el.value;
    if (a[el.name] === "" || (Array.isArray(a[el.name]) && !a[el.name].length)) delete a[el.name];
    sessionStorage.setItem(answersKey(), JSON.stringify(a));
    fieldProblem(el.name, null);
  }

  function fieldProblem(code, text) {
    const row = document.querySelector('#questionnaire label.q[data-code="' + code + '"]');
    if (!row) return null;
    row.classList.toggle("invalid", !!text);
    let msg = row.querySelector(".field-error");
    if (!text) { if (msg) msg.remove(); return row; }
    if (!msg) { msg = document.createElement("span"); msg.className = "field-error"; msg.setAttribute("role", "alert"); row.appendChild(msg); }
    msg.textContent = text;
    return row;
  }

  async function renderAssessment(body, sector) {
    const card = document.createElement("div");
    card.className = "card";
    card.id = "assessment";
    card.innerHTML = "<h3>" + t("questionnaire") + "</h3><div id=profile></div>";
    body.appendChild(card);
    await renderProfile();
    const tpl = await api("/assess/template?lang=" + S.lang + (sector ? "&sector=" + encodeURIComponent(sector) : ""));
    S.questions = tpl.questions;
    try { S.answers = JSON.parse(sessionStorage.getItem(answersKey()) || "{}"); } catch (e) { S.answers = {}; }
    const form = document.createElement("form");
    form.id = "questionnaire";
    form.noValidate = true;
    if (tpl.variant) {
      const v = tpl.variants.find((x) => x.code === tpl.variant);
      const p = document.createElement("p"); p.className = "note"; p.id = "variant-note";
      p.textContent = t("variant_note") + (v ? v.name : tpl.variant);
      form.appendChild(p);
    }
    let dim = null;
    for (const q of tpl.questions) {
      if (q.dimension !== dim) {
        dim = q.dimension;
        const h = document.createElement("h4");
        h.textContent = q.dimension_name || q.dimension;
        form.appendChild(h);
      }
      const row = document.createElement("label");
      row.className = "q";
      row.dataset.code = q.code;
      const txt = document.createElement("span");
      txt.textContent = q.code + " " + q.text + (q.unit ? " (" + q.unit + ")" : "") + (q.required ? " *" : "");
      row.appendChild(txt);
      let input;
      const kept = S.answers[q.code];
      if (q.type === "numeric") {
        input = document.createElement("input");
        input.type = "number"; input.min = q.min; input.max = q.max; input.step = "any";
        input.placeholder = q.min + " – " + q.max;
        if (kept !== undefined) input.value = kept;
      } else {
        input = document.createElement("select");
        if (q.type === "multiple_choice") input.multiple = true;
        for (const o of q.options) {
          const opt = document.createElement("option");
          opt.value = o.code; opt.textContent = o.code + " " + o.name;
          opt.selected = Array.isArray(kept) ? kept.includes(o.code) : kept === o.code;
          input.appendChild(opt);
        }
        if (q.type !== "multiple_choice" && kept === undefined) input.selectedIndex = -1;
      }
      input.name = q.code;
      input.dataset.type = q.type;
      input.addEventListener("change", () => keepAnswer(input));
      input.addEventListener("input", () => keepAnswer(input));
      row.appendChild(input);
      form.appendChild(row);
    }
    const foot = document.createElement("div");
    foot.className = "submit-row";
    const btn = document.createElement("button");
    btn.type = "submit"; btn.id = "submit-assessment"; btn.textContent = t("submit");
    const status = document.createElement("span");
    status.id = "submit-status"; status.setAttribute("role", "status");
    foot.append(btn, status);
    form.appendChild(foot);
    form.addEventListener("submit", submitAssessment);
    card.appendChild(form);
  }

  // what the client can say before the server does: unanswered required questions, numbers out of range
  function answerProblems() {
    const out = [];
    for (const q of S.questions) {
      const v = S.answers[q.code];
      if (v === undefined) { if (q.required) out.push([q.code, t("answer_required")]); continue; }
      if (q.type === "numeric") {
        const x = Number(v);
        if (!Number.isFinite(x) || x < q.min || x > q.max) out.push([q.code, t("answer_range") + " " + q.min + " – " + q.max + (q.unit ? " " + q.unit : "")]);
      }
    }
    return out;
  }

  async function submitAssessment(ev) {
    ev.preventDefault();
    const status = $("#submit-status");
    for (const el of ev.target.querySelectorAll("[name]")) keepAnswer(el);
    const problems = answerProblems();
    S.questions.forEach((q) => fieldProblem(q.code, null));
    if (problems.length) {
      problems.forEach(([code, text]) => fieldProblem(code, text));
      status.className = "field-error";
      status.textContent = t("answers_missing").replace("{n}", problems.length);
      const first = document.querySelector("#questionnaire label.q.invalid");
      first.scrollIntoView({ block: "center" });
      first.querySelector("input, select").focus({ preventScroll: true });
      return;
    }
    const answers = {};
    for (const q of S.questions) if (S.answers[q.code] !== undefined) answers[q.code] = q.type === "numeric" ? Number(S.answers[q.code]) : S.answers[q.code];
    status.className = ""; status.textContent = t("submitting");
    try {
      const r = await api("/assess/submissions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answers }) });
      S.lastAssessment = r;
      status.textContent = t("submitted");
      sessionStorage.removeItem(answersKey());
      await renderProfile();
      const cells = document.querySelectorAll("#enterprise-body table tbody tr td");
      if (cells.length >= 6) { cells[4].textContent = fmt(r.total_score); cells[5].textContent = r.level || "–"; }
      showError(null);
      $("#profile").scrollIntoView();
    } catch (e) {
      // the server names the question (column 'CODE'): show its words next to that question and the button
      const m = /column '([^']+)'/.exec(e.message || "");
      const row = m && fieldProblem(m[1], t("server_refused") + " " + e.message);
      status.className = "field-error";
      status.textContent = t("server_refused") + " " + e.message;
      if (row) row.scrollIntoView({ block: "center" });
    }
  }

  async function renderProfile(uscc) {
    const box = $("#profile");
    let p;
    try { p = await api("/assess/profile/" + encodeURIComponent(uscc || S.me.uscc) + "?lang=" + S.lang); } catch (e) {
      box.innerHTML = "<p class=note>" + t("no_assessment") + "</p>"; return;
    }
    S.profile = p;
    const zh = S.lang === "zh";
    box.innerHTML = "<p class=level>" + t("level") + ": <strong id=level>" + (p.latest.level || "–") + "</strong> · " + t("score") + ": <strong id=score>" +
      fmt(p.latest.total_score) + "</strong>" + (p.next_level ? " · " + t("next_level") + ": " + p.next_level : "") + "</p>" +
      "<div class='grid two'><div id=radar class='chart small'></div><div id=roadmap></div></div>";
    const dims = p.dimensions;
    if (S.charts.radar) { S.charts.radar.dispose(); delete S.charts.radar; }
    const series = [{ value: dims.map((d) => d.score), name: t("enterprise_record") }];
    if (dims.some((d) => d.benchmark !== null)) series.push({ value: dims.map((d) => d.benchmark), name: t("sector_benchmark") });
    chart("radar").setOption({
      legend: { bottom: 0 }, tooltip: {},
      radar: { indicator: dims.map((d) => ({ name: zh ? d.name_zh : d.name_en, max: 100 })), radius: "62%" },
      series: [{ type: "radar", data: series, areaStyle: { opacity: 0.2 } }],
    });
    const rm = document.getElementById("roadmap");
    const rows = (p.roadmap || []).slice(0, 8);
    rm.innerHTML = "<h4>" + t("roadmap") + "</h4>";
    const table = document.createElement("table");
    const keys = ["step", zh ? "name_zh" : "name_en", "gain", "total_after", "level_after"];
    table.innerHTML = "<thead><tr>" + keys.map((k) => "<th>" + t("col_" + k.replace(/_(zh|en)$/, "")) + "</th>").join("") + "</tr></thead>";
    const tb = document.createElement("tbody");
    for (const r of rows) {
      const tr = document.createElement("tr");
      for (const k of keys) { const td = document.createElement("td"); td.textContent = typeof r[k] === "number" && k !== "step" ? fmt(r[k], 1) : (r[k] ?? ""); tr.appendChild(td); }
      tb.appendChild(tr);
    }
    table.appendChild(tb);
    rm.appendChild(table);
  }

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

  // ---------------------------------------------------------------- resilience view (stress service)
  async function loadResilience() {
    const body = $("#resilience-body");
    if (!S.caps.stress) { body.innerHTML = "<p class=note>" + t("not_available") + "</p>"; return; }
    try {
      if (!S.scenarios || S.scenariosLang !== S.lang) { S.scenarios = (await api("/stress/scenarios?lang=" + S.lang)).data; S.scenariosLang = S.lang; }
      const canRun = S.me && (S.me.role === "admin" || S.me.role === "analyst");
      body.innerHTML = "<div class=controls><label>" + t("scenario") + " <select id=scenario></select></label>" +
        "<label>" + t("days") + " <input id=days type=number min=10 max=730 value=365 style='width:6rem'></label>" +
        "<label>" + t("mc_runs") + " <input id=runs type=number min=0 max=200 value=0 style='width:5rem'></label>" +
        "<button id=run-scenario" + (canRun ? "" : " disabled") + ">" + t("run_scenario") + "</button>" +
        "<progress id=stress-progress max=1 value=0></progress> <span id=stress-status></span></div>" +
        (canRun ? "" : "<p class=note>" + t("login_analyst") + "</p>") +
        "<p class=note id=scenario-desc></p><details><summary>" + t("edit_yaml") + "</summary>" +
        "<textarea id=scenario-yaml rows=16 spellcheck=false style='width:100%;font-family:monospace'></textarea></details>" +
        "<div id=recovery class=chart></div><p class=note id=stress-note></p>";
      const sel = $("#scenario");
      for (const sc of S.scenarios) { const o = document.createElement("option"); o.value = sc.name; o.textContent = sc.title || sc.name; sel.appendChild(o); }
      if (S.scenarioChoice) sel.value = S.scenarioChoice;
      const fill = () => {
        const sc = S.scenarios.find((x) => x.name === sel.value);
        $("#scenario-yaml").value = sc.yaml; $("#days").value = sc.days; $("#scenario-desc").textContent = sc.description + " (" + sc.table + ")";
      };
      sel.addEventListener("change", () => { S.scenarioChoice = sel.value; fill(); });
      fill();
      $("#run-scenario").addEventListener("click", runScenario);
      if (S.stressResult) renderRecovery(S.stressResult);
      showError(null);
    } catch (e) { showError(e); }
  }

  async function runScenario() {
    const sc = S.scenarios.find((x) => x.name === $("#scenario").value);
    const edited = $("#scenario-yaml").value;
    const req = { days: Number($("#days").value), runs: Number($("#runs").value) };
    if (edited.trim() !== sc.yaml.trim()) req.yaml = edited; else req.scenario = sc.name;
    try {
      $("#run-scenario").disabled = true;
      let job = await api("/stress/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(req) });
      S.stressJob = job;
      while (job.status === "queued" || job.status === "running") {
        $("#stress-progress").value = job.progress;
        $("#stress-status").textContent = t(job.status) + " " + Math.round(job.progress * 100) + "%";
        await new Promise((r) => setTimeout(r, 300));
        job = await api("/jobs/" + encodeURIComponent(job.job_id));
        S.stressJob = job;
      }
      $("#stress-progress").value = job.progress;
      $("#stress-status").textContent = t(job.status);
      if (job.status === "failed") throw new Error(job.error);
      S.stressResult = job.result;
      renderRecovery(job.result);
      showError(null);
    } catch (e) { showError(e); } finally { $("#run-scenario").disabled = false; }
  }

  function renderRecovery(r) {
    const zh = S.lang === "zh";
    const days = Array.from({ length: r.days }, (_, i) => i + 1);
    const series = [{ name: t("all_sectors"), type: "line", showSymbol: false, lineStyle: { width: 3 }, data: r.total_ratio }]
      .concat(r.sectors.map((c) => ({ name: c.sector + " " + ((zh ? c.name_zh : c.name_en) || ""), type: "line", showSymbol: false, data: c.ratio })));
    if (S.charts.recovery) { S.charts.recovery.dispose(); delete S.charts.recovery; }
    chart("recovery").setOption({
      title: { text: t("recovery_curves") + " · " + r.scenario, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) }, legend: { bottom: 0, type: "scroll" },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: days, name: t("day") }, yAxis: { type: "value", name: t("production_ratio"), scale: true },
      series,
    });
    $("#recovery").dataset.points = String(r.total_ratio.length);
    // losses in 亿元 (10^8 CNY) when the table's unit is known, else in the table's own unit
    const yi = r.total_production_loss_100m_cny !== null && r.total_production_loss_100m_cny !== undefined;
    const money = (v, v100m) => (yi ? fmt(v100m, 1) + " " + t("unit_100m_cny") : fmt(v) + " " + (r.unit || t("table_units")));
    const mc = r.monte_carlo, mcy = r.monte_carlo_100m_cny || {};
    $("#stress-note").textContent = t("total_loss") + ": " + money(r.total_production_loss, r.total_production_loss_100m_cny) +
      (mc ? " · " + t("mc_p50_p95") + ": " + money(mc.p50, mcy.p50) + " / " + money(mc.p95, mcy.p95) : "");
  }

  // ---------------------------------------------------------------- wiring
  function switchView(view) {
    S.view = view;
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
    document.querySelectorAll(".view").forEach((s) => { s.hidden = s.id !== "view-" + view; });
    showError(null);
    if (view === "chain") loadChain();
    if (view === "enterprise") loadEnterprise();
    if (view === "resilience") loadResilience();
    Object.values(S.charts).forEach((c) => c.resize());
  }

  async function start() {
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => switchView(b.dataset.view)));
    $("#lang").addEventListener("click", () => { S.lang = S.lang === "zh" ? "en" : "zh"; localStorage.setItem("ib-lang", S.lang); applyLang(); });
    $("#indicator").addEventListener("change", async (e) => { S.indicator = e.target.value; try { await loadPanel(); showError(null); } catch (err) { showError(err); } });
    $("#year").addEventListener("input", (e) => { S.year = Number(e.target.value); S.yearPicked = true; renderMap(); });
    $("#io-table").addEventListener("change", loadChain);
    $("#io-sector").addEventListener("change", () => renderChainGraph().catch(showError));
    $("#login").addEventListener("submit", login);
    $("#logout").addEventListener("click", logout);
    window.addEventListener("resize", () => Object.values(S.charts).forEach((c) => c.resize()));
    try {
      if (typeof echarts === "undefined") throw new Error("charting library missing: run 'make install' (npm install of echarts into web/vendor)");
      await whoAmI();
      S.caps = await api("/capabilities");
      const regs = (await api("/regions")).data;
      for (const r of regs) S.regions[r.code] = r;
      await Promise.all([loadGeo(), loadIndicators()]);
      applyLang();
      await loadPanel();
      document.body.dataset.ready = "1";
    } catch (e) { showError(e); document.body.dataset.ready = "error"; }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
