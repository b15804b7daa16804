// Dashboard view: the map of an indicator by province and year, with its ranking.
(function () {
  "use strict";
  const { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, esc } = IB;

  // ---------------------------------------------------------------- map view
  function fillIndicators() {
    const sel = $("#indicator");
    const cur = S.indicator;
    sel.innerHTML = "";
    const groups = {};
    // series the quality notes call duplicated, excluded or undocumented, or whose unit the source
    // leaves uncertain ("(?)"), are offered apart, in a last group, with the reason after the name
    const doubtful = S.indicators.filter(flagged);
    for (const ind of S.indicators.filter((d) => !flagged(d))) {
      const g = ind.dimension || "other";
      if (!groups[g]) { groups[g] = document.createElement("optgroup"); groups[g].label = t("dim_" + g) === "dim_" + g ? g : t("dim_" + g); sel.appendChild(groups[g]); }
      groups[g].appendChild(option(ind));
    }
    if (doubtful.length) {
      const og = document.createElement("optgroup");
      og.label = t("quality_group"); og.dataset.quality = "1";
      for (const ind of doubtful) og.appendChild(option(ind, (ind.quality_flags && ind.quality_flags.length ? ind.quality_flags : [ind.quality || "unit_unknown"]).map((f) => t("q_" + f)).join(S.lang === "zh" ? "、" : ", ")));
      sel.appendChild(og);
    }
    if (cur) sel.value = cur;
  }

  function flagged(ind) {
    if (ind.source !== "panel") return false;
    const u = String(ind.unit || "");
    return (ind.quality && ind.quality !== "ok") || u.endsWith("(?)") || u === "undocumented";
  }

  function option(ind, why) {
    const o = document.createElement("option");
    o.value = ind.key;
    const u = ind.unit && ind.unit !== "undocumented" && !String(ind.unit).endsWith("(?)") ? " (" + unitLabel(ind.unit) + ")" : "";
    o.textContent = label(ind) + u + (why ? (S.lang === "zh" ? "（" + why + "）" : " (" + why + ")") : "");
    return o;
  }

  async function loadIndicators() {
    const inds = (await api("/indicators")).data.filter((d) => d.regions >= 25);
    // (the library's own "source" is the publisher: the picker's source is where the values come from)
    S.indicators = inds.map((d) => Object.assign({}, d, { key: "panel:" + d.dataset_id + ":" + d.code, source: "panel", publisher_source: d.source }));
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
    const first = S.indicators.find((d) => d.code === "gdp_100m_cny" && !flagged(d)) || S.indicators.find((d) => !flagged(d)) || S.indicators[0];
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


  IB.view("map", {
    init: () => {
      $("#indicator").addEventListener("change", async (e) => { S.indicator = e.target.value; try { await loadPanel(); showError(null); } catch (err) { showError(err); } });
      $("#year").addEventListener("input", (e) => { S.year = Number(e.target.value); S.yearPicked = true; renderMap(); });
      IB.chartExports("map", () => {
        const ind = S.panel.ind, y = Number(S.year);
        const rows = S.panel.rows.filter((r) => r.year === y && r.value !== null && r.value !== undefined && r.region_code !== "100000")
          .map((r) => [r.region_code, regionName(r.region_code), r.value]);
        return { name: "map-" + ind.code + "-" + y, title: label(ind) + " · " + y, unit: ind.unit ? unitLabel(ind.unit) : "",
          source: ind.dataset_id || t("macro_results"), columns: [t("code"), t("region"), t("value")], rows };
      });
      IB.exportButtons($("#ranking"), () => {
        const ind = S.panel.ind;
        return { name: "ranking-" + ind.code + "-" + S.year, title: t("ranking") + " · " + label(ind) + " · " + S.year,
          unit: ind.unit ? unitLabel(ind.unit) : "", source: ind.dataset_id || t("macro_results") };
      });
      return Promise.all([loadGeo(), loadIndicators()]);
    },
    lang: () => { fillIndicators(); renderMap(); },
    ready: loadPanel,
  });
})();
