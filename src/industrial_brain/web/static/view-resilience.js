// Dashboard view: resilience (stress scenarios run as jobs, recovery curves).
(function () {
  "use strict";
  const { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, esc } = IB;

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


  IB.view("resilience", { load: loadResilience });
})();
