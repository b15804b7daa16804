// Dashboard view: resilience (stress scenarios run as jobs, recovery curves, losses by sector and,
// for a multi-regional table, by province). A shock is chosen from the shipped scenarios, built in a
// form (sectors, regions, size, start, duration, recovery: written out as the scenario YAML the stress
// API takes) or edited as YAML. The public, and anyone before a run, sees the shipped scenarios'
// stored results (GET /stress/results).
(function () {
  "use strict";
  const { S, $, t, api, showError, fmt, regionName, row, chart } = IB;

  const SHAPES = ["linear", "concave", "convex"];

  async function loadResilience() {
    const body = $("#resilience-body");
    if (!S.caps.stress) { body.innerHTML = "<p class=note>" + t("not_available") + "</p>"; return; }
    try {
      if (!S.scenarios || S.scenariosLang !== S.lang) { S.scenarios = (await api("/stress/scenarios?lang=" + S.lang)).data; S.scenariosLang = S.lang; }
      if (!S.storedStress) {
        try { S.storedStress = (await api("/stress/results")).data; } catch (e) { S.storedStress = []; }
      }
      const canRun = S.me && (S.me.role === "admin" || S.me.role === "analyst");
      body.innerHTML = "<div class=controls><label>" + t("scenario") + " <select id=scenario></select></label>" +
        "<label>" + t("days") + " <input id=days type=number min=10 max=730 value=365 class=num-in></label>" +
        "<label>" + t("mc_runs") + " <input id=runs type=number min=0 max=200 value=0 class=num-in></label>" +
        "<button id=run-scenario" + (canRun ? "" : " disabled") + ">" + t("run_scenario") + "</button>" +
        "<progress id=stress-progress max=1 value=0></progress> <span id=stress-status role=status></span></div>" +
        (canRun ? "" : "<p class=note>" + t("login_analyst") + "</p>") +
        "<p class=note id=scenario-desc></p>" +
        "<details id=shock-builder><summary>" + t("build_shock") + "</summary><form id=shock-form class='controls shock'>" +
        "<label>" + t("shock_sectors") + " <input id=shock-sectors placeholder='094 / 16,17' required></label>" +
        "<label>" + t("shock_regions") + " <input id=shock-regions placeholder='all / 410000'></label>" +
        "<label>" + t("shock_size") + " <input id=shock-size type=number min=1 max=100 step=1 value=30 class=num-in> %</label>" +
        "<label>" + t("shock_start") + " <input id=shock-start type=number min=1 max=365 value=1 class=num-in></label>" +
        "<label>" + t("shock_duration") + " <input id=shock-duration type=number min=1 max=730 value=90 class=num-in></label>" +
        "<label>" + t("shock_recovery") + " <select id=shock-shape>" + SHAPES.map((k) => "<option value=" + k + ">" + t("shape_" + k) + "</option>").join("") + "</select></label>" +
        "<label>" + t("shock_tau") + " <input id=shock-tau type=number min=1 max=730 value=30 class=num-in></label>" +
        "<button type=submit id=shock-build>" + t("shock_write") + "</button><span class=field-error id=shock-error></span></form></details>" +
        "<details><summary>" + t("edit_yaml") + "</summary>" +
        "<textarea id=scenario-yaml rows=16 spellcheck=false></textarea></details>" +
        "<p class=note id=stress-source></p>" +
        "<div id=recovery class=chart></div><p class=note id=stress-note></p>" +
        "<h3 data-i18n=worst_sectors>" + t("worst_sectors") + "</h3><div class=table-wrap><table id=stress-sectors><thead></thead><tbody></tbody></table></div>" +
        "<div id=stress-regions-box hidden><h3>" + t("losses_by_province") + "</h3><div class='grid two'><div id=stress-map class=chart></div>" +
        "<div class='side table-wrap'><table id=stress-regions><thead></thead><tbody></tbody></table></div></div></div>";
      const sel = $("#scenario");
      for (const sc of S.scenarios) { const o = document.createElement("option"); o.value = sc.name; o.textContent = sc.title || sc.name; sel.appendChild(o); }
      if (S.scenarioChoice) sel.value = S.scenarioChoice;
      const fill = () => {
        const sc = S.scenarios.find((x) => x.name === sel.value);
        $("#scenario-yaml").value = sc.yaml; $("#days").value = sc.days; $("#scenario-desc").textContent = sc.description;
        prefillShock(sc.yaml);
      };
      sel.addEventListener("change", () => { S.scenarioChoice = sel.value; fill(); S.stressResult = null; showResult(); });
      fill();
      $("#shock-form").addEventListener("submit", (ev) => { ev.preventDefault(); buildShock(); });
      $("#run-scenario").addEventListener("click", runScenario);
      IB.chartExports("recovery", recoveryTable);
      IB.exportButtons($("#stress-sectors"), () => lossDescribe("worst_sectors"));
      IB.chartExports("stress-map", () => Object.assign(lossDescribe("losses_by_province"), regionTable()));
      IB.exportButtons($("#stress-regions"), () => lossDescribe("losses_by_province"));
      showResult();
      showError(null);
    } catch (e) { showError(e); }
  }

  // the first event's sectors and regions of a scenario's YAML, as the form's defaults
  function prefillShock(yaml) {
    const list = (key) => {
      const m = new RegExp("^\\s*" + key + ":\\s*(.+)$", "m").exec(yaml);
      return m ? m[1].replace(/#.*$/, "").replace(/[[\]"']/g, "").trim() : "";
    };
    $("#shock-sectors").value = list("sectors");
    $("#shock-regions").value = list("regions") || "all";
  }

  // the form's shock as a scenario the stress API takes (services/stress.scenario_from): one capacity event
  function buildShock() {
    const err = $("#shock-error");
    err.textContent = "";
    const codes = (v) => v.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);
    const sectors = codes($("#shock-sectors").value);
    const regionsText = $("#shock-regions").value.trim();
    const regions = !regionsText || regionsText === "all" ? "all" : codes(regionsText);
    const num = (id) => Number($(id).value);
    const size = num("#shock-size"), start = num("#shock-start"), duration = num("#shock-duration"), tau = num("#shock-tau");
    const bad = !sectors.length ? t("shock_sectors") : !(size > 0 && size <= 100) ? t("shock_size") : !(start >= 1) ? t("shock_start")
      : !(duration >= 1) ? t("shock_duration") : !(tau >= 1) ? t("shock_tau") : null;
    if (bad) { err.textContent = t("shock_invalid") + " " + bad; return null; }
    const sc = S.scenarios.find((x) => x.name === $("#scenario").value);
    const q = (x) => JSON.stringify(String(x));
    const yaml = [
      "name: custom_shock",
      "title_zh: 自定义冲击",
      "title_en: Custom shock",
      "description_zh: " + q("部门 " + sectors.join("、") + " 产能下降 " + size + "%，第 " + start + " 天起持续 " + duration + " 天"),
      "description: " + q("Sectors " + sectors.join(", ") + " lose " + size + " % of capacity from day " + start + " for " + duration + " days"),
      "table: " + sc.table,
      "days: " + Number($("#days").value || sc.days),
      "params:",
      "  monetary_factor: 10000",
      "events:",
      "  - name: custom shock",
      "    kind: capacity",
      "    regions: " + (regions === "all" ? "all" : "[" + regions.map(q).join(", ") + "]"),
      "    sectors: [" + sectors.map(q).join(", ") + "]",
      "    impact: " + size / 100,
      "    start: " + start,
      "    duration: " + duration,
      "    recovery: {shape: " + $("#shock-shape").value + ", tau: " + tau + "}",
      "",
    ].join("\n");
    $("#scenario-yaml").value = yaml;
    $("#scenario-yaml").closest("details").open = true;
    return yaml;
  }

  function clearResult() {
    if (S.charts.recovery) { S.charts.recovery.dispose(); delete S.charts.recovery; }
    if (S.charts["stress-map"]) { S.charts["stress-map"].dispose(); delete S.charts["stress-map"]; }
    $("#recovery").dataset.points = "0";
    $("#stress-note").textContent = ""; $("#stress-source").textContent = "";
    for (const id of ["#stress-sectors", "#stress-regions"]) { $(id + " thead").innerHTML = ""; $(id + " tbody").innerHTML = ""; }
    $("#stress-regions-box").hidden = true;
  }

  async function runScenario() {
    const sc = S.scenarios.find((x) => x.name === $("#scenario").value);
    const edited = $("#scenario-yaml").value;
    const req = { days: Number($("#days").value), runs: Number($("#runs").value) };
    if (edited.trim() !== sc.yaml.trim()) req.yaml = edited; else req.scenario = sc.name;
    const status = $("#stress-status");
    S.stressResult = null;
    clearResult(); // the old curves go as the new run starts
    status.className = "";
    try {
      $("#run-scenario").disabled = true;
      status.textContent = t("queued");
      let job = await api("/stress/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(req) });
      S.stressJob = job;
      while (job.status === "queued" || job.status === "running") {
        $("#stress-progress").value = job.progress;
        status.textContent = t(job.status) + " " + Math.round(job.progress * 100) + "%";
        await new Promise((r) => setTimeout(r, 300));
        job = await api("/jobs/" + encodeURIComponent(job.job_id));
        S.stressJob = job;
      }
      $("#stress-progress").value = job.progress;
      if (job.status === "failed") throw new Error((S.lang === "zh" && job.error_zh) || job.error);
      status.textContent = t(job.status);
      S.stressResult = job.result;
      showResult();
      showError(null);
    } catch (e) {
      status.className = "field-error";
      status.textContent = t("failed") + (S.lang === "zh" ? "：" : ": ") + (e.message || e);
      $("#stress-progress").value = 0;
      showError(e);
    } finally { $("#run-scenario").disabled = !(S.me && (S.me.role === "admin" || S.me.role === "analyst")); }
  }

  // the run just made, else the stored result of the chosen shipped scenario
  function showResult() {
    clearResult();
    const r = S.stressResult || (S.storedStress || []).find((x) => x.scenario === $("#scenario").value);
    S.shownStress = r || null;
    if (!r || !r.total_ratio || !r.total_ratio.length) { $("#stress-source").textContent = r ? "" : t("no_stored_result"); return; }
    $("#stress-source").textContent = S.stressResult ? "" : t("stored_result") + " " + (r.created_at || "").replace("T", " ").slice(0, 16) + " UTC";
    renderRecovery(r);
    renderSectors(r);
    renderRegions(r);
  }

  const sectorName = (c) => (c.region && c.region !== "CN" ? regionName(c.region) + " · " : "") + c.sector + " " + ((S.lang === "zh" ? c.name_zh : c.name_en) || "");
  // losses in 亿元 (10^8 CNY) when the table's unit is known, else in the table's own unit
  const inYi = (r) => r.total_production_loss_100m_cny !== null && r.total_production_loss_100m_cny !== undefined;
  const lossUnit = (r) => (inYi(r) ? t("unit_100m_cny") : IB.unitLabel(r.unit || "") || t("table_units"));

  function renderRecovery(r) {
    const days = Array.from({ length: r.total_ratio.length }, (_, i) => i + 1);
    const series = [{ name: t("all_sectors"), type: "line", showSymbol: false, lineStyle: { width: 3 }, data: r.total_ratio }]
      .concat(r.sectors.map((c) => ({ name: sectorName(c), type: "line", showSymbol: false, data: c.ratio })));
    const narrow = document.documentElement.clientWidth < 600;
    chart("recovery").setOption({
      title: { text: t("recovery_curves"), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 3) }, legend: { bottom: 0, type: "scroll" },
      grid: { left: narrow ? 44 : 60, right: 16, top: 40, bottom: 60 },
      xAxis: { type: "category", data: days, name: t("day") }, yAxis: { type: "value", name: t("production_ratio"), scale: true },
      series,
    });
    $("#recovery").dataset.points = String(r.total_ratio.length);
    const money = (v, v100m) => (inYi(r) ? fmt(v100m, 1) : fmt(v)) + " " + lossUnit(r);
    const mc = r.monte_carlo, mcy = r.monte_carlo_100m_cny || {};
    $("#stress-note").textContent = t("total_loss") + ": " + money(r.total_production_loss, r.total_production_loss_100m_cny) +
      (mc && mc.p50 !== undefined ? " · " + t("mc_p50_p95") + ": " + money(mc.p50, mcy.p50) + " / " + money(mc.p95, mcy.p95) : "");
  }

  // the recovery curves as a table: one row a day, one column a curve
  function recoveryTable() {
    const r = S.shownStress;
    if (!r) return { name: "recovery", title: t("recovery_curves"), columns: [], rows: [] };
    return { name: "recovery-" + (r.scenario || "run"), title: t("recovery_curves") + " · " + (r.scenario || ""), unit: t("production_ratio"),
      source: t("stress_source") + " " + (r.table || ""), columns: [t("day"), t("all_sectors")].concat(r.sectors.map(sectorName)),
      rows: r.total_ratio.map((v, i) => [i + 1, v].concat(r.sectors.map((c) => c.ratio[i]))) };
  }

  function lossDescribe(key) {
    const r = S.shownStress || {};
    return { name: key + "-" + (r.scenario || "run"), title: t(key) + " · " + (r.scenario || ""), unit: lossUnit(r), source: t("stress_source") + " " + (r.table || "") };
  }

  function renderSectors(r) {
    const cols = [t("sector"), t("min_ratio"), t("recovery_day")];
    $("#stress-sectors thead").innerHTML = "<tr>" + cols.map((c, i) => "<th" + (i ? " class=num" : "") + ">" + c + "</th>").join("") + "</tr>";
    const tb = $("#stress-sectors tbody");
    for (const c of r.sectors) {
      tb.appendChild(row([sectorName(c), fmt(c.min_production_ratio, 3), c.recovery_day === null || c.recovery_day === undefined ? t("not_recovered") : String(Math.round(c.recovery_day))], [1, 2]));
    }
  }

  function regionTable() {
    const r = S.shownStress || {};
    const yi = inYi(r);
    return { columns: [t("code"), t("region"), t("production_loss"), t("net_loss")],
      rows: (r.regions || []).map((g) => [g.region, regionName(g.region), yi ? g.gross_loss_100m_cny : g.gross_loss, yi ? g.loss_100m_cny : g.loss]) };
  }

  // losses by province (multi-regional tables): a ranked table and a map
  function renderRegions(r) {
    const regs = r.regions || [];
    if (regs.length < 2) return;
    $("#stress-regions-box").hidden = false;
    const yi = inYi(r), unit = lossUnit(r);
    $("#stress-regions thead").innerHTML = "<tr><th>#</th><th>" + t("region") + "</th><th class=num>" + t("production_loss") + "</th><th class=num>" + t("net_loss") + "</th></tr>";
    const tb = $("#stress-regions tbody");
    regs.forEach((g, i) => {
      const tr = row([String(i + 1), regionName(g.region), fmt(yi ? g.gross_loss_100m_cny : g.gross_loss, 1), fmt(yi ? g.loss_100m_cny : g.loss, 1)], [2, 3]);
      tr.dataset.code = g.region;
      tb.appendChild(tr);
    });
    if (!S.geoReady) return;
    const data = regs.map((g) => ({ name: g.region, value: yi ? g.gross_loss_100m_cny : g.gross_loss }));
    const vals = data.map((d) => d.value);
    // the hit province dwarfs the others: a log-spaced colour scale keeps the rest apart
    const lo = Math.min(...vals), hi = Math.max(...vals);
    chart("stress-map").setOption({
      title: { text: t("production_loss") + " (" + unit + ")", left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "item", formatter: (p) => regionName(p.name) + "<br>" + (Number.isFinite(p.value) ? fmt(p.value, 1) + " " + unit : t("no_data")) },
      visualMap: { type: "continuous", min: lo, max: hi, left: 10, bottom: 10, calculable: true, formatter: (v) => fmt(v, 1), text: [unit, ""],
        inRange: { color: ["#fff5eb", "#fd8d3c", "#7f2704"] }, precision: 1 },
      series: [{ type: "map", map: "china", roam: true, data, emphasis: { label: { show: true, formatter: (p) => regionName(p.name) } },
        label: { show: false, formatter: (p) => regionName(p.name) } }],
    }, true);
    $("#stress-map").dataset.regions = String(data.length);
  }

  IB.view("resilience", { tab: "tab_resilience", load: loadResilience });
})();
