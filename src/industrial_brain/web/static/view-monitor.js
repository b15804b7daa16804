// Dashboard view: monitoring and early warning (监测预警) — the alerts the caller may read on a map of
// open alerts per province and in a table (filters, export), one alert's evidence and state changes,
// acknowledge / close with a reason (admin, analyst), and the briefing of the nation or a province as
// PDF, DOCX or HTML.
(function () {
  "use strict";
  const { S, $, t, api, showError, fmt, regionName, row, chart, download, esc } = IB;
  const SEVERITY_COLOR = { critical: "#b2182b", warning: "#ef8a62", info: "#67a9cf" };

  function options(sel, pairs, keep) {
    sel.innerHTML = "";
    for (const [v, text] of pairs) { const o = document.createElement("option"); o.value = v; o.textContent = text; sel.appendChild(o); }
    if (keep !== undefined && [...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }

  // indicator names from the map view's list (codes when it has none)
  function indicatorName(code) {
    const ind = (S.indicators || []).find((d) => d.code === code);
    return ind ? IB.label(ind) : code || "";
  }

  // the rule's message names the region and indicator by code: the reader gets their names
  function readable(message, a) {
    let m = String(message || "");
    if (a.region_code) m = m.split(a.region_code).join(regionName(a.region_code));
    if (a.indicator_code) m = m.split(a.indicator_code).join(indicatorName(a.indicator_code));
    return m;
  }

  function provinces() {
    return Object.keys(S.regions).filter((c) => c !== "100000" && S.regions[c].region4_en)
      .sort((a, b) => regionName(a).localeCompare(regionName(b), S.lang === "zh" ? "zh-CN" : "en"));
  }

  function skeleton(sec) {
    sec.innerHTML = "<div class=controls>" +
      "<label><span data-i18n=severity></span> <select id=alert-severity></select></label>" +
      "<label><span data-i18n=state></span> <select id=alert-state></select></label>" +
      "<label><span data-i18n=region></span> <select id=alert-region></select></label>" +
      "<label><span data-i18n=rule></span> <select id=alert-rule></select></label></div>" +
      "<div class=grid><div id=alert-map class=chart data-testid=alert-map></div>" +
      "<div class=side><h3 data-i18n=briefing></h3><div class=controls>" +
      "<label><span data-i18n=brief_scope></span> <select id=brief-region></select></label></div>" +
      "<div class='controls brief-formats'><button type=button data-format=pdf>PDF</button><button type=button data-format=docx>DOCX</button>" +
      "<button type=button data-format=html>HTML</button></div><p class=note data-i18n=brief_note></p></div></div>" +
      "<h3><span data-i18n=alerts></span> <small id=alert-count></small></h3>" +
      "<div class=table-wrap><table id=alerts class=clickable><thead><tr></tr></thead><tbody></tbody></table></div>" +
      "<div id=alert-detail></div>";
    for (const el of sec.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    const f = S.alertFilter || (S.alertFilter = { severity: "", state: "open", region: "", rule: "" });
    for (const k of ["severity", "state", "region", "rule"]) {
      $("#alert-" + k).addEventListener("change", (e) => { f[k] = e.target.value; S.alertOpen = null; drawAlerts().catch(showError); });
    }
    sec.querySelectorAll(".brief-formats button").forEach((b) => b.addEventListener("click", () => brief(b.dataset.format)));
    IB.exportButtons($("#alerts"), () => ({ name: "alerts", title: t("alerts") + " · " + t("tab_monitor"), source: t("alert_source") }));
  }

  async function loadMonitor() {
    const sec = $("#view-monitor");
    if (!sec.querySelector("#alerts")) skeleton(sec);
    else for (const el of sec.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    try {
      const f = S.alertFilter;
      if (!S.alertRules || S.alertRulesLang !== S.lang) { S.alertRules = (await api("/monitor/rules?lang=" + S.lang)).data; S.alertRulesLang = S.lang; }
      options($("#alert-severity"), [["", t("all")]].concat(["critical", "warning", "info"].map((s) => [s, t("severity_" + s)])), f.severity);
      options($("#alert-state"), [["", t("all")]].concat(["open", "acknowledged", "closed"].map((s) => [s, t("state_" + s)])), f.state);
      const provs = provinces().map((c) => [c, regionName(c)]);
      options($("#alert-region"), [["", t("all")]].concat(provs), f.region);
      options($("#alert-rule"), [["", t("all")]].concat(S.alertRules.map((r) => [r.code, r.name || r.code])), f.rule);
      options($("#brief-region"), [["", t("nation")]].concat(provs), S.briefRegion);
      $("#brief-region").onchange = (e) => { S.briefRegion = e.target.value; };
      await drawAlerts();
      showError(null);
    } catch (e) { showError(e); }
  }

  async function drawAlerts() {
    const f = S.alertFilter;
    const q = "/monitor/alerts?lang=" + S.lang + "&limit=10000" + ["severity", "state", "region", "rule"]
      .filter((k) => f[k]).map((k) => "&" + k + "=" + encodeURIComponent(f[k])).join("");
    const ans = await api(q);
    S.alerts = ans.data;
    const ruleName = Object.fromEntries((S.alertRules || []).map((r) => [r.code, r.name || r.code]));
    const cols = ["severity", "rule", "region", "indicator", "year", "value", "state", "message"];
    $("#alerts thead tr").innerHTML = cols.map((k) => "<th" + (k === "value" ? " class=num" : "") + ">" + esc(t("col_alert_" + k)) + "</th>").join("");
    const tb = $("#alerts tbody");
    tb.innerHTML = "";
    for (const a of ans.data) {
      const tr = row([t("severity_" + a.severity), ruleName[a.rule] || a.rule, regionName(a.region_code), indicatorName(a.indicator_code), String(a.year ?? ""),
        fmt(a.value), t("state_" + a.state), readable(a.message, a)], [5]);
      tr.cells[0].style.color = SEVERITY_COLOR[a.severity];
      tr.dataset.alert = a.alert_id; tr.tabIndex = 0;
      tr.addEventListener("click", () => openAlert(a.alert_id).catch(showError));
      tr.addEventListener("keydown", (k) => { if (k.key === "Enter") openAlert(a.alert_id).catch(showError); });
      tb.appendChild(tr);
    }
    $("#alert-count").textContent = "(" + fmt(ans.count) + (ans.withheld ? " · " + t("withheld") + " " + fmt(ans.withheld) : "") + ")";
    $("#alerts").dataset.rows = String(ans.data.length);
    drawMap(ans.data);
    if (S.alertOpen) await openAlert(S.alertOpen); else $("#alert-detail").innerHTML = "";
  }

  // open alerts per province (the filtered list), the worst severity in the tooltip
  function drawMap(alerts) {
    if (!S.geoReady) return;
    const per = {};
    for (const a of alerts) if (a.region_code && a.state !== "closed") (per[a.region_code] = per[a.region_code] || []).push(a);
    const data = Object.entries(per).map(([code, list]) => ({ name: code, value: list.length, list }));
    const hi = Math.max(1, ...data.map((d) => d.value));
    chart("alert-map").setOption({
      title: { text: t("alerts_per_province"), left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item", formatter: (p) => esc(regionName(p.name)) + "<br>" + (p.data ? fmt(p.value, 0) + " " + t("open_alerts") +
        "<br>" + p.data.list.slice(0, 4).map((a) => esc(t("severity_" + a.severity) + " · " + indicatorName(a.indicator_code) + " " + (a.year ?? ""))).join("<br>") : t("no_alerts")) },
      visualMap: { min: 0, max: hi, left: 10, bottom: 10, precision: 0, text: [t("open_alerts"), ""], calculable: true,
        inRange: { color: ["#fff5eb", "#fd8d3c", "#a63603"] } },
      series: [{ type: "map", map: "china", roam: true, data, label: { show: false, formatter: (p) => regionName(p.name) },
        emphasis: { label: { show: true, formatter: (p) => regionName(p.name) } } }],
    }, true);
    const c = S.charts["alert-map"];
    c.off("click");
    c.on("click", (p) => { if (p.name && S.regions[p.name]) { S.alertFilter.region = p.name; $("#alert-region").value = p.name; S.alertOpen = null; drawAlerts().catch(showError); } });
    $("#alert-map").dataset.regions = String(data.length);
  }

  async function openAlert(id) {
    S.alertOpen = id;
    const a = await api("/monitor/alerts/" + encodeURIComponent(id) + "?lang=" + S.lang);
    const box = $("#alert-detail");
    const canAct = S.me && (S.me.role === "admin" || S.me.role === "analyst") && a.state !== "closed";
    const ev = a.evidence || {};
    box.innerHTML = "<div class=card><h3 id=alert-title></h3><p id=alert-message></p><h4>" + esc(t("evidence")) + "</h4>" +
      "<div class=table-wrap><table id=alert-evidence><tbody></tbody></table></div>" +
      "<h4>" + esc(t("state_changes")) + "</h4><div class=table-wrap><table id=alert-changes><thead><tr>" +
      ["at", "actor", "from", "to", "reason"].map((k) => "<th>" + esc(t("col_change_" + k)) + "</th>").join("") + "</tr></thead><tbody></tbody></table></div>" +
      (canAct ? "<div class=controls><label><span>" + esc(t("reason")) + "</span> <input id=alert-reason maxlength=500></label>" +
        (a.state === "open" ? "<button type=button id=alert-ack>" + esc(t("acknowledge")) + "</button>" : "") +
        "<button type=button id=alert-close>" + esc(t("close_alert")) + "</button><span id=alert-action-status role=status></span></div>" : "") + "</div>";
    $("#alert-title").textContent = t("severity_" + a.severity) + " · " + regionName(a.region_code) + " · " + indicatorName(a.indicator_code) + " · " + (a.year ?? "");
    $("#alert-message").textContent = readable((S.lang === "zh" ? a.message_zh : a.message_en) || a.message, a);
    const et = $("#alert-evidence tbody");
    for (const [k, v] of Object.entries(ev)) et.appendChild(row([k, typeof v === "number" ? fmt(v) : typeof v === "object" ? JSON.stringify(v) : String(v)], [1]));
    const ct = $("#alert-changes tbody");
    for (const c of a.changes || []) ct.appendChild(row([String(c.at || "").replace("T", " ").slice(0, 19), c.actor, c.from_state ? t("state_" + c.from_state) : "–", t("state_" + c.to_state), c.reason || ""]));
    const act = async (verb) => {
      const reason = $("#alert-reason").value.trim();
      if (!reason) { $("#alert-action-status").textContent = t("reason_needed"); $("#alert-action-status").className = "field-error"; return; }
      await api("/monitor/alerts/" + encodeURIComponent(id) + "/" + verb, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ reason }) });
      await drawAlerts();
    };
    if ($("#alert-ack")) $("#alert-ack").addEventListener("click", () => act("ack").catch(showError));
    if ($("#alert-close")) $("#alert-close").addEventListener("click", () => act("close").catch(showError));
    box.dataset.alert = id;
  }

  async function brief(format) {
    const code = S.briefRegion || "";
    const path = "/brief/" + (code ? "region?code=" + encodeURIComponent(code) + "&" : "nation?") + "lang=" + S.lang + "&format=" + format;
    try { await download(path, "briefing-" + (code || "nation") + "-" + S.lang + "." + format); showError(null); } catch (e) { showError(e); }
  }

  IB.strings({
    zh: { tab_monitor: "监测预警", severity: "级别", state: "状态", rule: "规则", all: "全部", nation: "全国",
      severity_critical: "严重", severity_warning: "警告", severity_info: "提示",
      state_open: "待处理", state_acknowledged: "已确认", state_closed: "已关闭",
      briefing: "简报", brief_scope: "范围", brief_note: "自动生成的简报：指标与排名、协调水平、预警及其证据，附数据来源与血缘。",
      alerts: "预警", alert_source: "预警规则（config/alarm_rules）对已入库数据的评估", withheld: "因数据分级未显示",
      alerts_per_province: "各省待处理预警数", open_alerts: "条待处理预警", no_alerts: "无待处理预警",
      col_alert_severity: "级别", col_alert_rule: "规则", col_alert_region: "地区", col_alert_indicator: "指标",
      col_alert_year: "年份", col_alert_value: "数值", col_alert_state: "状态", col_alert_message: "说明",
      evidence: "触发证据", state_changes: "状态变更记录", col_change_at: "时间（UTC）", col_change_actor: "操作人",
      col_change_from: "原状态", col_change_to: "新状态", col_change_reason: "理由", reason: "理由",
      acknowledge: "确认", close_alert: "关闭预警", reason_needed: "请填写理由（将记入审计日志）" },
    en: { tab_monitor: "Monitoring", severity: "severity", state: "state", rule: "rule", all: "all", nation: "China (nation)",
      severity_critical: "critical", severity_warning: "warning", severity_info: "info",
      state_open: "open", state_acknowledged: "acknowledged", state_closed: "closed",
      briefing: "Briefing", brief_scope: "scope", brief_note: "Written automatically: indicators and ranks, coordination level, alerts with their evidence, with sources and lineage.",
      alerts: "Alerts", alert_source: "alarm rules (config/alarm_rules) evaluated on the stored data", withheld: "withheld by data grade",
      alerts_per_province: "Open alerts per province", open_alerts: "open alerts", no_alerts: "no open alert",
      col_alert_severity: "severity", col_alert_rule: "rule", col_alert_region: "region", col_alert_indicator: "indicator",
      col_alert_year: "year", col_alert_value: "value", col_alert_state: "state", col_alert_message: "message",
      evidence: "Evidence", state_changes: "State changes", col_change_at: "at (UTC)", col_change_actor: "by",
      col_change_from: "from", col_change_to: "to", col_change_reason: "reason", reason: "reason",
      acknowledge: "Acknowledge", close_alert: "Close alert", reason_needed: "Give a reason (it goes to the audit log)" },
  });

  IB.view("monitor", { tab: "tab_monitor", load: loadMonitor });
})();
