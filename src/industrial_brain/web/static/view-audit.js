// Dashboard view: the audit of a composite index (指数审计), stored with every macro run — Monte Carlo
// rank intervals per province, each indicator's contribution to each score, the weights every method
// gives, the correlation matrix with its flags, Cronbach's alpha and the PCA check (OECD/JRC 2008
// Handbook on Constructing Composite Indicators; COINr).
(function () {
  "use strict";
  const { S, $, t, api, showError, fmt, row, chart, esc } = IB;
  const SYSTEMS = ["digital", "real", "nqpf"];
  const METHODS = ["nominal", "equal", "entropy", "critic", "cv", "pca"];

  function skeleton(sec) {
    sec.innerHTML = "<div class=controls><label><span data-i18n=audit_system></span> <select id=audit-system></select></label>" +
      "<label><span data-i18n=year></span> <select id=audit-year></select></label></div><p class=note id=audit-method></p>" +
      "<div class='grid two'><div><h3 data-i18n=audit_ranks></h3><div id=audit-ranks class=chart></div></div>" +
      "<div><h3 data-i18n=audit_contrib></h3><div id=audit-contrib class=chart></div></div></div>" +
      "<div class='grid two'><div><h3 data-i18n=audit_weights></h3><div id=audit-weights class=chart></div></div>" +
      "<div><h3 data-i18n=audit_corr></h3><div id=audit-corr class=chart></div></div></div>" +
      "<h3 data-i18n=audit_indicators></h3><div class=table-wrap><table id=audit-indicators><thead></thead><tbody></tbody></table></div>" +
      "<h3 data-i18n=audit_consistency></h3><div class=table-wrap><table id=audit-alpha><thead></thead><tbody></tbody></table></div>" +
      "<ul class=note id=audit-flags></ul>";
    $("#audit-system").addEventListener("change", (e) => { S.auditSystem = e.target.value; S.auditYear = null; loadAudit(); });
    $("#audit-year").addEventListener("change", (e) => { S.auditYear = Number(e.target.value); loadAudit(); });
    const meta = () => ({ name: "index-audit-" + (S.auditSystem || "digital") + "-" + S.audit.year, title: t("tab_audit") + " · " + (S.audit.name || S.audit.system) + " · " + S.audit.year,
      source: t("audit_source") + " " + S.audit.run_id });
    IB.exportButtons($("#audit-indicators"), meta);
    IB.exportButtons($("#audit-alpha"), meta);
  }

  // a dimension's name ("all": the whole index)
  function dimName(code) {
    if (code === "all" || code === "index") return t("index");
    return ((S.audit && S.audit.dimension_names) || {})[code] || code.replace(/_/g, " ");
  }

  function table(el, cols, rows, num) {
    el.querySelector("thead").innerHTML = "<tr>" + cols.map((c, i) => "<th" + (num.includes(i) ? " class=num" : "") + ">" + esc(c) + "</th>").join("") + "</tr>";
    const tb = el.querySelector("tbody");
    tb.innerHTML = "";
    rows.forEach((r) => tb.appendChild(row(r, num)));
  }

  async function loadAudit() {
    const sec = $("#view-audit");
    if (!sec.querySelector("#audit-system")) skeleton(sec);
    for (const el of sec.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    if (!S.caps.macro) { $("#audit-method").textContent = t("not_available"); return; }
    try {
      const sys = S.auditSystem || "digital";
      const sel = $("#audit-system");
      sel.innerHTML = SYSTEMS.map((s) => "<option value=" + s + ">" + esc(t("audit_sys_" + s)) + "</option>").join("");
      sel.value = sys;
      const a = await api("/macro/index/" + sys + "/audit?lang=" + S.lang + (S.auditYear ? "&year=" + S.auditYear : ""));
      S.audit = a;
      const ysel = $("#audit-year");
      ysel.innerHTML = (a.years || [a.year]).slice().reverse().map((y) => "<option value=" + y + ">" + y + "</option>").join("");
      ysel.value = a.year;
      const zh = S.lang === "zh";
      const named = (p, v) => (t(p + v) === p + v ? v : t(p + v));
      $("#audit-method").textContent = [t("audit_norm") + " " + named("norm_", a.normalization), t("audit_weighting") + " " + named("w_", a.weighting),
        t("audit_aggregation") + " " + named("agg_", a.aggregation), t("audit_draws") + " " + fmt(a.draws, 0), t("audit_seed") + " " + a.seed].join(zh ? "；" : "; ");
      const ind = a.data;
      const nameKey = Object.keys(ind[0] || {})[2];
      const iname = Object.fromEntries(ind.map((r) => [r.indicator, r[nameKey]]));
      drawRanks(a.rank_intervals);
      drawContributions(a.contributions, iname);
      drawWeights(ind, iname);
      drawCorrelations(a.correlations, iname);
      const keys = Object.keys(ind[0] || {});
      table($("#audit-indicators"), keys.map((k) => (k.startsWith("w:") ? t("weight") + " " + t("w_" + k.slice(2)) : k === "indicator" ? t("code") : k)),
        ind.map((r) => keys.map((k) => (k === keys[1] ? dimName(r[k]) : typeof r[k] === "number" ? Number(r[k].toFixed(3)) : r[k] ?? ""))),
        keys.map((k, i) => (typeof ind[0][k] === "number" ? i : -1)).filter((i) => i >= 0));
      table($("#audit-alpha"), [t("audit_block"), "Cronbach α", "k", "n", "PC1 " + t("share"), t("audit_eig")],
        a.alpha.map((r) => { const p = a.pca.find((x) => x.block === r.block) || {}; return [dimName(r.block), typeof r.alpha === "number" ? Number(r.alpha.toFixed(2)) : "", r.k, r.n, p.pc1_share === undefined ? "" : fmt(100 * p.pc1_share, 1) + "%", p.n_eig_gt1 ?? ""]; }),
        [1, 2, 3, 5]);
      $("#audit-flags").innerHTML = a.flags.map((f) => "<li>" + esc(t("flag_" + f.flag.replace(/ /g, "_")) + ": " + (iname[f.a] || f.a) + " – " + (iname[f.b] || (f.b === "index" ? t("index") : dimName(f.b))) + ", r = " + fmt(f.r, 2)) + "</li>").join("");
      $("#view-audit").dataset.ready = sys + ":" + a.year;
      showError(null);
    } catch (e) { showError(e); }
  }

  // rank intervals: the 5–95 % band of the Monte Carlo ranks, the nominal rank as a dot (1 = best)
  function drawRanks(ri) {
    const rows = ri.slice().sort((x, y) => x.nominal - y.nominal);
    chart("audit-ranks").setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: (ps) => { const r = rows[ps[0].dataIndex]; return esc(r.name) + "<br>" + t("audit_nominal") + " " + r.nominal + " · " + t("audit_median") + " " + r.median + "<br>5–95 %: " + fmt(r.p05, 0) + "–" + fmt(r.p95, 0); } },
      grid: { left: 70, right: 16, top: 20, bottom: 30 },
      yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true, axisLabel: { fontSize: 10 } },
      xAxis: { type: "value", min: 1, max: rows.length, name: t("rank") },
      series: [
        { type: "bar", stack: "r", data: rows.map((r) => r.p05), itemStyle: { color: "transparent" }, silent: true },
        { type: "bar", stack: "r", data: rows.map((r) => r.p95 - r.p05), itemStyle: { color: "#9ecae1" }, name: "5–95 %" },
        { type: "scatter", data: rows.map((r) => r.nominal), itemStyle: { color: "#12355b" }, symbolSize: 7, name: t("audit_nominal") },
      ],
    }, true);
  }

  // contributions w_j·x'_ij to each province's score, stacked (they sum to the score)
  function drawContributions(c, iname) {
    const provs = [...new Set(c.map((r) => r.name))];
    const inds = [...new Set(c.map((r) => r.indicator))];
    const at = Object.fromEntries(c.map((r) => [r.name + "|" + r.indicator, r.contribution]));
    chart("audit-contrib").setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => fmt(v, 3) },
      legend: { type: "scroll", bottom: 0, formatter: (k) => iname[k] || k },
      grid: { left: 70, right: 16, top: 20, bottom: 50 },
      yAxis: { type: "category", data: provs, inverse: true, axisLabel: { fontSize: 10 } },
      xAxis: { type: "value", name: t("score") },
      series: inds.map((k) => ({ name: k, type: "bar", stack: "c", data: provs.map((p) => at[p + "|" + k] ?? 0), tooltip: { valueFormatter: (v) => fmt(v, 3) } })),
    }, true);
  }

  function drawWeights(ind, iname) {
    const methods = METHODS.filter((m) => ind.length && ("w:" + m) in ind[0]);
    chart("audit-weights").setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt(100 * v, 1) + "%" }, legend: { top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 90 },
      xAxis: { type: "category", data: ind.map((r) => iname[r.indicator] || r.indicator), axisLabel: { rotate: 35, fontSize: 10, width: 90, overflow: "truncate" } },
      yAxis: { type: "value", axisLabel: { formatter: (v) => fmt(100 * v, 0) + "%" } },
      series: methods.map((m) => ({ name: t("w_" + m), type: "bar", data: ind.map((r) => r["w:" + m]) })),
    }, true);
  }

  function drawCorrelations(rows, iname) {
    const codes = rows.map((r) => r.code);
    const data = [];
    rows.forEach((r, i) => codes.forEach((c, j) => { if (typeof r[c] === "number") data.push([j, i, Number(r[c].toFixed(2))]); }));
    const lab = (c) => iname[c] || (c === "index" ? t("index") : dimName(c));
    chart("audit-corr").setOption({
      tooltip: { formatter: (p) => esc(lab(codes[p.value[1]]) + " – " + lab(codes[p.value[0]])) + "<br>r = " + fmt(p.value[2], 2) },
      grid: { left: 110, right: 10, top: 10, bottom: 110 },
      xAxis: { type: "category", data: codes.map(lab), axisLabel: { rotate: 60, fontSize: 9, width: 100, overflow: "truncate" } },
      yAxis: { type: "category", data: codes.map(lab), inverse: true, axisLabel: { fontSize: 9, width: 100, overflow: "truncate" } },
      visualMap: { min: -1, max: 1, calculable: true, orient: "horizontal", right: 0, bottom: 0, itemWidth: 10, precision: 1,
        inRange: { color: ["#2166ac", "#f7f7f7", "#b2182b"] } },
      series: [{ type: "heatmap", data, label: { show: codes.length <= 14, fontSize: 8, formatter: (p) => fmt(p.value[2], 1) } }],
    }, true);
  }

  IB.strings({
    zh: { tab_audit: "指数审计", audit_system: "指数", audit_sys_digital: "数字经济发展指数", audit_sys_real: "实体经济发展指数",
      audit_sys_nqpf: "新质生产力指数", audit_ranks: "排名的不确定性（蒙特卡洛 5–95% 区间）", audit_contrib: "各指标对得分的贡献",
      audit_weights: "各赋权方法给出的权重", audit_corr: "指标相关矩阵", audit_indicators: "指标体系与权重",
      audit_consistency: "内部一致性：Cronbach α 与主成分检验", audit_norm: "标准化", audit_weighting: "赋权",
      audit_aggregation: "合成", audit_draws: "模拟次数", audit_seed: "随机种子", audit_source: "宏观分析运行", audit_block: "维度",
      audit_eig: "特征值 > 1 的个数", audit_nominal: "名义排名", audit_median: "中位排名", rank: "排名", weight: "权重",
      code: "代码", share: "占比", index: "综合指数", w_nominal: "采用", w_equal: "等权", w_entropy: "熵值法", w_critic: "CRITIC",
      w_cv: "变异系数", w_pca: "主成分", flag_negative: "负相关", flag_negative_with_the_index: "与综合指数负相关",
      flag_collinear: "高度共线", flag_weak: "弱相关",
      norm_minmax: "极差标准化", norm_zscore: "Z 分数标准化", agg_arithmetic: "线性加权", agg_geometric: "几何加权" },
    en: { tab_audit: "Index audit", audit_system: "index", audit_sys_digital: "digital economy index", audit_sys_real: "real economy index",
      audit_sys_nqpf: "new quality productive forces index", audit_ranks: "Rank uncertainty (Monte Carlo 5–95 % interval)",
      audit_contrib: "Contribution of each indicator to the score", audit_weights: "Weights by method", audit_corr: "Correlation matrix",
      audit_indicators: "Framework and weights", audit_consistency: "Internal consistency: Cronbach's α and the PCA check",
      audit_norm: "normalisation", audit_weighting: "weighting", audit_aggregation: "aggregation", audit_draws: "draws",
      audit_seed: "seed", audit_source: "macro run", audit_block: "dimension", audit_eig: "eigenvalues > 1",
      audit_nominal: "nominal rank", audit_median: "median rank", rank: "rank", weight: "weight", code: "code", share: "share",
      index: "index", w_nominal: "used", w_equal: "equal", w_entropy: "entropy", w_critic: "CRITIC", w_cv: "coefficient of variation",
      w_pca: "PCA", flag_negative: "negative", flag_negative_with_the_index: "negative with the index", flag_collinear: "collinear",
      flag_weak: "weak", norm_minmax: "min–max", norm_zscore: "z-score", agg_arithmetic: "arithmetic", agg_geometric: "geometric" },
  });

  IB.view("audit", { tab: "tab_audit", load: loadAudit });
})();
