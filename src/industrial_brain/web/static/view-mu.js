// Dashboard view: the government's enterprise board (亩均效益评价 / per-mu evaluation). Analysts and
// administrators search, filter and page the firms (亩均 class, maturity level, SME tier), open a firm's
// profile (score, indicators, what lifts it a class, accounts trend, SME tier) and export the county
// table; an enterprise account sees its own profile; the public the suppressed county table only.
(function () {
  "use strict";
  const { S, $, t, api, showError, fmt, regionName, row, chart, download, exportButtons } = IB;

  Object.assign(window.IB_STRINGS.zh, {
    tab_mu: "亩均评价", mu_board: "企业亩均效益评价", mu_class: "亩均类别", mu_score: "亩均得分", mu_rank: "县内行业排名",
    mu_tier: "专精特新梯度", mu_maturity: "数字化成熟度", mu_all: "全部", mu_county_table: "分县（市、区）亩均效益（少于3家企业或受支配的单元格已抑制）",
    mu_county: "县（市、区）", mu_year: "年份", mu_firms: "企业数", mu_share: "类占比", mu_tax_per_mu: "亩均税收（万元/亩）",
    mu_va_per_mu: "亩均增加值（万元/亩）", mu_mean_score: "平均得分", mu_indicator: "指标", mu_value: "数值", mu_benchmark: "基准值",
    mu_points: "得分", mu_lift: "升一类所需（单项，其余不变）", mu_input: "投入项", mu_current: "当前", mu_needed: "所需", mu_change: "变化",
    mu_unreachable: "单项无法达到", mu_accounts: "年度数据走势（万元）", mu_tax: "税收", mu_revenue: "营业收入", mu_va: "增加值",
    mu_no_data: "尚无企业亩均评价数据（ibrain mu ingest / ibrain mu evaluate）。", mu_login: "登录后可查看企业亩均评价；公众仅可见汇总。",
    mu_rules: "评价规则", mu_prev: "上年类别", tier_none: "未达梯度", tier_innovative: "创新型中小企业",
    tier_specialised: "专精特新中小企业", tier_little_giant: "专精特新“小巨人”", mu_prices: "差别化要素价格",
  });
  Object.assign(window.IB_STRINGS.en, {
    tab_mu: "Per-mu board", mu_board: "Per-mu efficiency of firms", mu_class: "Class", mu_score: "Score", mu_rank: "Rank in county × sector",
    mu_tier: "SME tier", mu_maturity: "Digital maturity", mu_all: "all", mu_county_table: "Per-mu efficiency by county (cells of fewer than 3 firms or dominated cells suppressed)",
    mu_county: "County", mu_year: "Year", mu_firms: "Firms", mu_share: "share", mu_tax_per_mu: "Tax per mu (10k CNY/mu)",
    mu_va_per_mu: "Value added per mu (10k CNY/mu)", mu_mean_score: "Mean score", mu_indicator: "Indicator", mu_value: "Value", mu_benchmark: "Benchmark",
    mu_points: "Points", mu_lift: "To reach the next class (one input, the others fixed)", mu_input: "Input", mu_current: "Current", mu_needed: "Needed", mu_change: "Change",
    mu_unreachable: "not reachable alone", mu_accounts: "Accounts trend (10k CNY)", mu_tax: "Tax", mu_revenue: "Revenue", mu_va: "Value added",
    mu_no_data: "No per-mu evaluation stored yet (ibrain mu ingest / ibrain mu evaluate).", mu_login: "Log in to see the firms' evaluation; the public sees aggregates only.",
    mu_rules: "Rule set", mu_prev: "Last year's class", tier_none: "no tier", tier_innovative: "Innovative SME",
    tier_specialised: "Specialised SME (专精特新)", tier_little_giant: "Little giant (小巨人)", mu_prices: "Differentiated factor prices",
  });

  const PAGE = 20;

  function table(id, heads, rows, num) {
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    const tb = document.createElement("table");
    tb.id = id;
    tb.innerHTML = "<thead><tr>" + heads.map((h, i) => "<th" + (num.includes(i) ? " class=num" : "") + ">" + t(h) + "</th>").join("") + "</tr></thead>";
    const body = document.createElement("tbody");
    rows.forEach((r) => body.appendChild(r instanceof HTMLElement ? r : row(r, num)));
    tb.appendChild(body);
    wrap.appendChild(tb);
    return wrap;
  }

  async function load() {
    const box = $("#view-mu");
    box.innerHTML = "<h2>" + t("mu_board") + "</h2><div id=mu-body></div><div class=card id=mu-county-card><h3>" + t("mu_county_table") + "</h3><div id=mu-county-box></div></div>";
    try {
      if (S.me && S.me.role === "enterprise") {
        const card = document.createElement("div"); card.className = "card"; card.id = "mu-profile";
        $("#mu-body").appendChild(card);
        await profile(S.me.uscc);
      } else if (S.me && S.me.role !== "public") {
        await board();
      } else {
        $("#mu-body").innerHTML = "<p class=note>" + t("mu_login") + "</p>";
      }
      await county();
      showError(null);
    } catch (e) { showError(e); }
  }

  async function board() {
    const body = $("#mu-body");
    const card = document.createElement("div");
    card.className = "card";
    card.id = "mu-board";
    const opts = (vals) => ["", ...vals].map((v) => "<option value='" + v + "'>" + (v ? (v.length === 1 ? v : t("tier_" + v)) : t("mu_all")) + "</option>").join("");
    card.innerHTML = "<div class=controls><label><span>" + t("search") + "</span> <input id=mu-search type=search placeholder='" + t("search_hint") + "'></label>" +
      "<label><span>" + t("mu_class") + "</span> <select id=mu-class>" + opts(["A", "B", "C", "D"]) + "</select></label>" +
      "<label><span>" + t("mu_tier") + "</span> <select id=mu-tier>" + opts(["none", "innovative", "specialised", "little_giant"]) + "</select></label>" +
      "<button type=button id=mu-export>" + t("export_csv") + "</button></div><p class=note id=mu-rules></p>" +
      "<div id=mu-list></div><div class='controls pager'><button type=button id=mu-prev>‹ " + t("previous") + "</button><span id=mu-count></span>" +
      "<button type=button id=mu-next>" + t("next") + " ›</button></div><div id=mu-profile></div>";
    body.appendChild(card);
    const st = S.muBoard || (S.muBoard = { search: "", cls: "", tier: "", offset: 0 });
    const query = () => "/mu/firms?lang=" + S.lang + "&sort=-score&limit=" + PAGE + "&offset=" + st.offset +
      (st.search ? "&search=" + encodeURIComponent(st.search) : "") + (st.cls ? "&class=" + st.cls : "") + (st.tier ? "&tier=" + st.tier : "");
    let seq = 0;
    const draw = async () => {
      const mine = ++seq;
      const list = await api(query());
      if (mine !== seq) return; // a later request (a newer filter) answers instead
      $("#mu-rules").textContent = list.rules ? t("mu_rules") + ": " + list.rules + " · " + t("mu_year") + " " + list.year + " · " + t("synthetic_data") : t("mu_no_data");
      const rows = list.data.map((f) => {
        const tr = row([f.uscc, f.name || "", regionName(f.region_code), f.sector_name || f.sector_code || "", fmt(f.score, 1), f.class || "–",
          f.maturity_level || "–", f.sme_tier ? t("tier_" + f.sme_tier) : "–"], [4]);
        tr.dataset.uscc = f.uscc; tr.tabIndex = 0;
        tr.addEventListener("click", () => profile(f.uscc).catch(showError));
        tr.addEventListener("keydown", (k) => { if (k.key === "Enter") profile(f.uscc).catch(showError); });
        return tr;
      });
      const tw = table("mu-firms", ["uscc", "firm_name", "region", "sector", "mu_score", "mu_class", "mu_maturity", "mu_tier"], rows, [4]);
      tw.querySelector("table").classList.add("firms", "clickable");
      $("#mu-list").replaceChildren(tw);
      const from = list.count ? st.offset + 1 : 0, to = Math.min(st.offset + PAGE, list.count);
      $("#mu-count").textContent = t("rows_of").replace("{from}", fmt(from)).replace("{to}", fmt(to)).replace("{n}", fmt(list.count));
      $("#mu-prev").disabled = st.offset === 0;
      $("#mu-next").disabled = to >= list.count;
    };
    const search = $("#mu-search");
    search.value = st.search; $("#mu-class").value = st.cls; $("#mu-tier").value = st.tier;
    let timer = null;
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { st.search = search.value.trim(); st.offset = 0; draw().catch(showError); }, 250); });
    $("#mu-class").addEventListener("change", (e) => { st.cls = e.target.value; st.offset = 0; draw().catch(showError); });
    $("#mu-tier").addEventListener("change", (e) => { st.tier = e.target.value; st.offset = 0; draw().catch(showError); });
    $("#mu-prev").addEventListener("click", () => { st.offset = Math.max(0, st.offset - PAGE); draw().catch(showError); });
    $("#mu-next").addEventListener("click", () => { st.offset += PAGE; draw().catch(showError); });
    $("#mu-export").addEventListener("click", () => download(query().replace(/limit=\d+&offset=\d+/, "limit=10000&offset=0") + "&format=csv", "mu_firms.csv").catch(showError));
    await draw();
  }

  async function profile(uscc) {
    const p = await api("/mu/firms/" + encodeURIComponent(uscc) + "/profile");
    const box = $("#mu-profile");
    const m = p.per_mu;
    box.innerHTML = "<h3 id=mu-firm-title></h3><p class=level id=mu-summary></p><div class='grid two'><div id=mu-ind-box></div><div id=mu-trend class='chart small'></div></div><div id=mu-lift-box></div><div id=mu-price-box></div>";
    $("#mu-firm-title").textContent = (p.name || "") + " · " + p.uscc + " · " + regionName(p.region_code) + " · " + p.sector_code;
    const parts = [];
    if (m) parts.push(t("mu_score") + ": <strong id=mu-score>" + fmt(m.score, 1) + "</strong>", t("mu_class") + ": <strong id=mu-class-val>" + m.class + "</strong>",
      t("mu_prev") + ": " + (m.prev_class || "–"), t("mu_rank") + ": " + m.rank + " / " + m.group_size, t("mu_rules") + ": " + m.rules);
    if (p.maturity) parts.push(t("mu_maturity") + ": <strong id=mu-maturity>" + p.maturity.level + "</strong>");
    parts.push(t("mu_tier") + ": <strong id=mu-tier-val>" + t("tier_" + p.sme.tier) + "</strong>");
    $("#mu-summary").innerHTML = parts.join(" · ");
    if (m) {
      const zh = S.lang === "zh";
      $("#mu-ind-box").replaceChildren(table("mu-indicators", ["mu_indicator", "mu_value", "unit", "mu_benchmark", "mu_points"],
        m.indicators.map((i) => [zh ? i.name_zh : i.indicator, fmt(i.value), i.unit, fmt(i.benchmark), fmt(i.score, 1)]), [1, 3, 4]));
      const h = document.createElement("h4"); h.textContent = t("mu_lift");
      $("#mu-lift-box").replaceChildren(h, table("mu-lift", ["mu_input", "mu_current", "mu_needed", "mu_change"],
        m.lift.map((l) => [l.column, fmt(l.current), l.reachable ? fmt(l.needed) : t("mu_unreachable"), l.reachable ? fmt(l.change) : "–"]), [1, 2, 3]));
      const h2 = document.createElement("h4"); h2.textContent = t("mu_prices");
      $("#mu-price-box").replaceChildren(h2, table("mu-prices", ["mu_indicator", "unit", "mu_change"], m.prices.map((r) => [r.factor, r.unit, fmt(r.adjustment)]), [2]));
    }
    if (S.charts["mu-trend"]) { S.charts["mu-trend"].dispose(); delete S.charts["mu-trend"]; }
    const years = p.accounts.map((a) => String(a.year));
    const line = (k, key) => ({ type: "line", name: t(k), data: p.accounts.map((a) => a[key]) });
    chart("mu-trend").setOption({
      title: { text: t("mu_accounts"), textStyle: { fontSize: 13 } }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 50 }, xAxis: { type: "category", data: years }, yAxis: { type: "value" },
      series: [line("mu_revenue", "revenue_10k_cny"), line("mu_va", "value_added_10k_cny"), line("mu_tax", "tax_10k_cny")],
    });
    box.scrollIntoView({ block: "start" });
  }

  async function county() {
    const r = await api("/mu/rollups?by=county&lang=" + S.lang);
    const latest = r.data.length ? Math.max(...r.data.map((c) => c.year)) : null;
    const rows = r.data.filter((c) => c.year === latest).map((c) => [c.county, regionName(c.county), String(c.year), fmt(c.n_firms, 0),
      ...["A", "B", "C", "D"].map((k) => (c.suppressed ? t("suppressed") : fmt(c["share_" + k], 3))),
      c.suppressed ? t("suppressed") : fmt(c.tax_per_mu, 1), c.suppressed ? t("suppressed") : fmt(c.va_per_mu, 1)]);
    const heads = ["mu_county", "region", "mu_year", "mu_firms", "A", "B", "C", "D", "mu_tax_per_mu", "mu_va_per_mu"];
    const tw = table("mu-county", heads, rows, [3, 4, 5, 6, 7, 8, 9]);
    $("#mu-county-box").replaceChildren(tw);
    exportButtons(tw.querySelector("table"), () => ({ name: "mu_county", title: t("mu_county_table"), unit: "万元/亩", source: (r.rules || "") + " " + (r.run_id || ""), synthetic: true }));
  }

  IB.view("mu", { tab: "tab_mu", load });
})();
