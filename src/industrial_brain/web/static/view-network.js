// Dashboard view: the industrial chain map of firms (产业链图谱) for a region and a target chain — the
// chain's sectors as tiers (upstream | core | downstream) from the national input–output structure,
// each with the region's local supply, its status (missing / weak / strong: 补链 / 强链 / 延链) and its
// leading firm; a click on a sector lists its local firms and the candidate suppliers elsewhere
// (精准招商); a firm's stop is cascaded through the network and its losses mapped by province.
// Firm-level answers are for administrators and analysts; the firm data of the demo are SYNTHETIC.
(function () {
  "use strict";
  const { S, $, t, api, showError, fmt, regionName, row, chart, esc } = IB;
  const CHAINS = ["electronics", "electrical", "transport_equipment", "machinery", "chemicals"];
  const STATUS_COLOR = { core: "#12355b", missing: "#b2182b", weak: "#ef8a62", strong: "#1a9850" };
  const yi = (v) => (v === null || v === undefined || Number.isNaN(v) ? null : v / 1e8); // CNY → 亿元

  function skeleton(sec) {
    sec.innerHTML = "<div class=controls><label><span data-i18n=region></span> <select id=net-region></select></label>" +
      "<label><span data-i18n=net_chain></span> <select id=net-chain></select></label></div>" +
      "<p class=note id=net-note></p><div id=net-body><div class=grid><div id=net-map class=chart data-testid=net-map></div>" +
      "<div class=side id=net-side><p class=note data-i18n=net_click></p></div></div>" +
      "<h3 data-i18n=net_links></h3><div class=table-wrap><table id=net-gaps><thead></thead><tbody></tbody></table></div>" +
      "<div id=net-cascade></div></div>";
    $("#net-region").addEventListener("change", (e) => { S.netRegion = e.target.value; S.netSector = null; loadNetwork(); });
    $("#net-chain").addEventListener("change", (e) => { S.netChain = e.target.value; S.netSector = null; loadNetwork(); });
    IB.exportButtons($("#net-gaps"), () => ({ name: "chain-links-" + S.netRegion + "-" + S.netChain, unit: t("unit_100m_cny"),
      title: t("net_links") + " · " + regionName(S.netRegion) + " · " + t("chain_" + S.netChain), source: t("net_source"), synthetic: true }));
  }

  const canRead = () => S.me && (S.me.role === "admin" || S.me.role === "analyst");

  async function sectorNames() {
    if (!S.netNames || S.netNamesLang !== S.lang) {
      const ks = await api("/io-tables/cn_nbs_io_2020_42/key-sectors?lang=" + S.lang);
      S.netNames = Object.fromEntries(ks.data.map((r) => [r.sector, r.name])); S.netNamesLang = S.lang;
    }
    return S.netNames;
  }

  async function loadNetwork() {
    const sec = $("#view-network");
    if (!sec.querySelector("#net-region")) skeleton(sec);
    for (const el of sec.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    S.netRegion = S.netRegion || "440000"; S.netChain = S.netChain || "electronics";
    const provs = Object.keys(S.regions).filter((c) => c !== "100000" && S.regions[c].region4_en)
      .sort((a, b) => regionName(a).localeCompare(regionName(b), S.lang === "zh" ? "zh-CN" : "en"));
    $("#net-region").innerHTML = provs.map((c) => "<option value=" + c + ">" + esc(regionName(c)) + "</option>").join("");
    $("#net-region").value = S.netRegion;
    $("#net-chain").innerHTML = CHAINS.map((c) => "<option value=" + c + ">" + esc(t("chain_" + c)) + "</option>").join("");
    $("#net-chain").value = S.netChain;
    if (!canRead()) {
      $("#net-body").hidden = true;
      $("#net-note").textContent = t("net_login");
      return;
    }
    $("#net-body").hidden = false;
    $("#net-note").textContent = t("synthetic_data") + " · " + t("net_source");
    try {
      const names = await sectorNames();
      const q = "?region=" + S.netRegion + "&chain=" + S.netChain + "&lang=en";
      const [gaps, leaders] = await Promise.all([api("/network/gaps" + q), api("/network/leaders?limit=10000&lang=en")]);
      S.netGaps = gaps.data;
      S.netLeaders = leaders.data.filter((f) => f.region_code === S.netRegion);
      drawChain(names);
      drawGapTable(names);
      if (S.netSector) await openSector(S.netSector);
      $("#view-network").dataset.ready = S.netRegion + ":" + S.netChain;
      showError(null);
    } catch (e) { showError(e); }
  }

  // tiers as columns: upstream sectors left, the chain's core in the middle, downstream right
  function drawChain(names) {
    const box = document.getElementById("net-map");
    const W = box.clientWidth, H = Math.max(240, box.clientHeight - 90);
    const cols = { upstream: 0, core: 1, downstream: 2 };
    const nodes = [], edges = [];
    const lead = (code) => S.netLeaders.filter((f) => f.sector_code === code).sort((a, b) => a.rank - b.rank)[0];
    const byPos = (p) => S.netGaps.filter((g) => g.position === p);
    const maxCoef = Math.max(1e-9, ...S.netGaps.map((g) => g.coefficient || 0));
    for (const pos of ["upstream", "core", "downstream"]) {
      const list = byPos(pos);
      list.forEach((g, i) => {
        const id = pos + ":" + g.sector_code;
        const y = list.length > 1 ? (i * H) / (list.length - 1) : H / 2;
        const l = lead(g.sector_code);
        const cov = g.coverage === null || g.coverage === undefined ? "" : "\n" + t("net_coverage") + " " + fmt(100 * g.coverage, 0) + "%";
        nodes.push({ id, name: g.sector_code + " " + (names[g.sector_code] || ""), x: (W * (2 * cols[pos] + 1)) / 6, y, g, lead: l,
          symbolSize: pos === "core" ? 34 : 14 + Math.min(16, Math.sqrt(g.local_firms || 0) * 3),
          symbol: g.status === "missing" ? "emptyCircle" : "circle",
          itemStyle: { color: STATUS_COLOR[g.status] || "#74add1", borderColor: S.netSector === g.sector_code ? "#000" : undefined, borderWidth: S.netSector === g.sector_code ? 3 : 0 },
          label: { show: true, position: "bottom", fontSize: W < 500 ? 9 : 11, width: Math.max(60, W / 3 - 16), overflow: "break",
            formatter: g.sector_code + " " + (names[g.sector_code] || "") + (g.action ? " · " + g.action : "") + cov } });
      });
    }
    const core = nodes.filter((n) => n.g.position === "core");
    for (const n of nodes) {
      if (n.g.position === "core") continue;
      for (const c of core) {
        const up = n.g.position === "upstream";
        edges.push({ source: up ? n.id : c.id, target: up ? c.id : n.id, value: n.g.coefficient,
          lineStyle: { width: 1 + 8 * (n.g.coefficient || 0) / maxCoef, type: n.g.status === "strong" ? "solid" : "dashed",
            color: n.g.status === "missing" ? "#b2182b" : n.g.status === "weak" ? "#ef8a62" : "#9ecae1" } });
      }
    }
    chart("net-map").setOption({
      title: [{ text: t("tier_up").replace("{n}", 1), left: 8, top: 36, textStyle: { fontSize: 12 } },
        { text: t("net_core"), left: "center", top: 36, textStyle: { fontSize: 12 } },
        { text: t("tier_down").replace("{n}", 1), right: 8, top: 36, textStyle: { fontSize: 12 } }],
      tooltip: { formatter: (p) => {
        if (p.dataType === "edge") return t("coefficient") + " " + fmt(p.value, 4);
        const g = p.data.g, l = p.data.lead;
        return esc(p.name) + "<br>" + t("net_status") + ": " + esc(t("net_status_" + g.status)) +
          "<br>" + t("net_local_supply") + ": " + fmt(yi(g.local_supply), 1) + " " + t("unit_100m_cny") +
          (g.need ? "<br>" + t("net_need") + ": " + fmt(yi(g.need), 1) + " " + t("unit_100m_cny") : "") +
          "<br>" + t("net_local_firms") + ": " + fmt(g.local_firms, 0) + (l ? "<br>" + t("net_leader") + ": " + esc(l.name || l.uscc) : "");
      } },
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: edges, edgeSymbol: ["none", "arrow"],
        lineStyle: { curveness: 0.08, opacity: 0.9 }, left: W / 6, right: W / 6, top: 70, bottom: 40 }],
    }, true);
    const c = S.charts["net-map"];
    c.off("click");
    c.on("click", (p) => { if (p.dataType === "node") { S.netSector = p.data.g.sector_code; drawChain(names); openSector(S.netSector).catch(showError); } });
    box.dataset.nodes = String(nodes.length);
  }

  function drawGapTable(names) {
    const el = $("#net-gaps");
    const cols = ["net_position", "sector", "coefficient", "net_need", "net_local_supply", "net_coverage", "net_local_firms", "net_status", "net_action"];
    el.querySelector("thead").innerHTML = "<tr>" + cols.map((k, i) => "<th" + (i >= 2 && i <= 6 ? " class=num" : "") + ">" + esc(t(k)) + "</th>").join("") + "</tr>";
    const tb = el.querySelector("tbody");
    tb.innerHTML = "";
    for (const g of S.netGaps) {
      tb.appendChild(row([t("net_pos_" + g.position), g.sector_code + " " + (names[g.sector_code] || ""), g.coefficient === null ? "–" : fmt(g.coefficient, 3),
        fmt(yi(g.need), 1), fmt(yi(g.local_supply), 1), g.coverage === null ? "–" : fmt(100 * g.coverage, 1) + "%", fmt(g.local_firms, 0),
        t("net_status_" + g.status), g.action || ""], [2, 3, 4, 5, 6]));
    }
  }

  // a sector's local firms (ranked by output at risk) and, off the core, its candidate suppliers elsewhere
  async function openSector(code) {
    const side = $("#net-side");
    const names = S.netNames || {};
    const g = S.netGaps.find((x) => x.sector_code === code) || {};
    const firms = S.netLeaders.filter((f) => f.sector_code === code).sort((a, b) => a.rank - b.rank).slice(0, 10);
    side.innerHTML = "<h3 id=net-sector-title></h3><h4>" + esc(t("net_local_firms")) + "</h4><div class=table-wrap><table id=net-firms><thead><tr><th>" +
      esc(t("firm_name")) + "</th><th class=num>" + esc(t("net_output")) + "</th><th class=num>" + esc(t("net_at_risk")) + "</th><th></th></tr></thead><tbody></tbody></table></div>" +
      "<h4>" + esc(t("net_candidates")) + "</h4><div class=table-wrap><table id=net-candidates><thead><tr><th>" + esc(t("firm_name")) + "</th><th>" + esc(t("region")) +
      "</th><th class=num>" + esc(t("score")) + "</th><th>" + esc(t("net_reasons")) + "</th></tr></thead><tbody></tbody></table></div>";
    $("#net-sector-title").textContent = code + " " + (names[code] || "") + " · " + regionName(S.netRegion);
    const ft = $("#net-firms tbody");
    for (const f of firms) {
      const tr = row([f.name || f.uscc, fmt(yi(f.output), 1), fmt(yi(f.output_at_risk), 1), ""], [1, 2]);
      const b = document.createElement("button");
      b.type = "button"; b.className = "net-stop"; b.textContent = t("net_stop"); b.title = t("net_stop_hint");
      b.addEventListener("click", () => runCascade(f).catch(showError));
      tr.cells[3].appendChild(b);
      ft.appendChild(tr);
    }
    if (!firms.length) ft.appendChild(row([t("net_no_local"), "", "", ""]));
    const ct = $("#net-candidates tbody");
    if (g.position && g.position !== "core") {
      const tg = await api("/network/targets?region=" + S.netRegion + "&chain=" + S.netChain + "&candidates=5&lang=en");
      const list = tg.data.filter((c) => c.sector_code === code);
      for (const c of list) ct.appendChild(row([c.candidate_name || c.candidate, regionName(c.region_code), fmt(c.score, 1), c.reasons || ""], [2]));
      if (!list.length) ct.appendChild(row([t("net_no_candidates"), "", "", ""]));
    } else ct.appendChild(row([t("net_core_no_candidates"), "", "", ""]));
    IB.exportButtons($("#net-candidates"), () => ({ name: "candidates-" + S.netRegion + "-" + code, title: t("net_candidates") + " · " + code + " " + (names[code] || ""),
      source: t("net_source"), synthetic: true }));
    side.dataset.sector = code;
  }

  // the firm stops: its customers lose inputs as their inventories run out, and so on down the chain
  async function runCascade(f) {
    const r = await api("/network/cascade?firm=" + encodeURIComponent(f.uscc) + "&level=region&days=30&lang=en");
    const box = $("#net-cascade");
    box.innerHTML = "<h3 id=net-cascade-title></h3><p class=note id=net-cascade-note></p><div id=net-cascade-map class=chart></div>";
    $("#net-cascade-title").textContent = t("net_cascade") + " · " + (f.name || f.uscc);
    const tot = r.totals || {};
    $("#net-cascade-note").textContent = t("net_total_lost") + " " + fmt(yi(tot.total_output_lost), 1) + " " + t("unit_100m_cny") + " · " +
      t("net_direct_lost") + " " + fmt(yi(tot.direct_output_lost), 1) + " " + t("unit_100m_cny") + " · " + t("net_firms_hit") + " " + fmt(tot.firms_hit, 0) +
      " · " + fmt(tot.days, 0) + " " + t("day") + " · " + t("synthetic_data");
    if (S.charts["net-cascade-map"]) { S.charts["net-cascade-map"].dispose(); delete S.charts["net-cascade-map"]; }
    const data = r.data.map((d) => ({ name: d.region_code, value: yi(d.output_lost), firms: d.firms_hit }));
    const hi = Math.max(1e-9, ...data.map((d) => d.value));
    chart("net-cascade-map").setOption({
      tooltip: { formatter: (p) => esc(regionName(p.name)) + "<br>" + (p.data ? fmt(p.value, 1) + " " + t("unit_100m_cny") + " · " + fmt(p.data.firms, 0) + " " + t("net_firms") : t("no_data")) },
      visualMap: { min: 0, max: hi, left: 10, bottom: 10, calculable: true, text: [t("unit_100m_cny"), ""], formatter: (v) => fmt(v, 1),
        inRange: { color: ["#fee8c8", "#fc8d59", "#b30000"] } },
      series: [{ type: "map", map: "china", roam: true, data }],
    });
    $("#net-cascade-map").dataset.regions = String(data.length);
    box.scrollIntoView({ block: "start" });
  }

  IB.strings({
    zh: { tab_network: "产业链图谱", net_chain: "目标产业链", chain_electronics: "电子信息（通信设备、计算机）", chain_electrical: "电气机械和器材",
      chain_transport_equipment: "交通运输设备", chain_machinery: "通用和专用设备", chain_chemicals: "化学产品",
      net_click: "点击一个部门：查看本地企业与外地候选供应商。", net_links: "链条环节：本地供给与缺口",
      net_source: "企业交易数据汇总，产业链结构来自全国 42 部门投入产出表", net_login: "企业级产业链分析需以分析员或管理员身份登录（企业页）。",
      net_core: "链核心", net_status: "状态", net_local_supply: "本地供给", net_need: "按全国结构的需求", net_local_firms: "本地企业数",
      net_leader: "链主企业", net_coverage: "本地满足率", net_position: "位置", net_action: "建议", net_pos_upstream: "上游", net_pos_core: "核心",
      net_pos_downstream: "下游", net_status_core: "核心", net_status_missing: "缺失", net_status_weak: "薄弱", net_status_strong: "较强",
      net_output: "产出（亿元）", net_at_risk: "风险产出（亿元）", net_candidates: "外地候选供应商（精准招商）", net_reasons: "理由",
      net_stop: "停产模拟", net_stop_hint: "该企业停产 30 天：沿供应链传导的损失", net_no_local: "本地无该部门企业",
      net_no_candidates: "无候选企业", net_core_no_candidates: "链核心部门：见上下游环节的候选供应商", net_cascade: "停产传导",
      net_total_lost: "总产出损失", net_direct_lost: "直接损失", net_firms_hit: "受影响企业", net_firms: "家企业" },
    en: { tab_network: "Chain map", net_chain: "target chain", chain_electronics: "electronics (communication equipment, computers)",
      chain_electrical: "electrical machinery and equipment", chain_transport_equipment: "transport equipment", chain_machinery: "general and special machinery",
      chain_chemicals: "chemical products", net_click: "Click a sector: its local firms and candidate suppliers elsewhere.",
      net_links: "Chain links: local supply and gaps", net_source: "firm transactions aggregated; chain structure from the national 42-sector IO table",
      net_login: "The firm-level chain analysis needs an analyst or administrator login (Enterprises tab).", net_core: "chain core",
      net_status: "status", net_local_supply: "local supply", net_need: "need at the national structure", net_local_firms: "local firms",
      net_leader: "chain leader", net_coverage: "local coverage", net_position: "position", net_action: "action", net_pos_upstream: "upstream",
      net_pos_core: "core", net_pos_downstream: "downstream", net_status_core: "core", net_status_missing: "missing", net_status_weak: "weak",
      net_status_strong: "strong", net_output: "output (100 m CNY)", net_at_risk: "output at risk (100 m CNY)",
      net_candidates: "Candidate suppliers elsewhere (investment targeting)", net_reasons: "reasons", net_stop: "Stop",
      net_stop_hint: "this firm stops for 30 days: the losses passed down the chain", net_no_local: "no local firm in this sector",
      net_no_candidates: "no candidate", net_core_no_candidates: "the chain's core: see the candidates of its links",
      net_cascade: "Cascade of a stop", net_total_lost: "total output lost", net_direct_lost: "direct loss", net_firms_hit: "firms hit", net_firms: "firms" },
  });

  IB.view("network", { tab: "tab_network", load: loadNetwork });
})();
