// Dashboard view: the industrial chain of an input-output table (linkages, up- and downstream).
(function () {
  "use strict";
  const { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, esc } = IB;

  // ---------------------------------------------------------------- chain view
  // "浙江 · 2017 · 42 部门 · 非竞争型" rather than the table id (kept in the tooltip)
  function tableName(tb) {
    const zh = S.lang === "zh";
    const k = "io_kind_" + tb.kind, kind = tb.kind ? " · " + (t(k) === k ? tb.kind : t(k)) : "";
    return regionName(tb.region_code) + " · " + tb.year + " · " + tb.sectors + (zh ? " 部门" : " sectors") + kind;
  }

  async function loadChain() {
    try {
      const sel = $("#io-table");
      if (!sel.options.length) {
        const tabs = (await api("/io-tables")).data;
        S.ioTables = tabs;
        for (const tb of tabs) {
          const o = document.createElement("option");
          o.value = tb.table_id; o.textContent = tableName(tb); o.dataset.region = tb.region_code;
          sel.appendChild(o);
        }
        sel.value = tabs.some((x) => x.table_id === "cn_nbs_io_2020_42") ? "cn_nbs_io_2020_42" : tabs[0].table_id;
      }
      if (S.ioTables) for (const o of sel.options) { const tb = S.ioTables.find((x) => x.table_id === o.value); if (tb) { o.textContent = tableName(tb); o.title = tb.table_id; } }
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
      await renderChainGraph();
      showError(null);
    } catch (e) { showError(e); }
  }

  function renderScatter() {
    const ks = S.keySectors;
    const chosen = ks.data.find((r) => r.sector === $("#io-sector").value);
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
      series: series.concat(chosen ? [{ name: t("chosen_sector"), type: "scatter", symbol: "pin", symbolSize: 34, z: 5,
        itemStyle: { color: "#12355b" }, label: { show: true, position: "top", formatter: () => chosen.sector + " " + (chosen.name || "") },
        data: [{ value: [chosen.backward, chosen.forward], name: chosen.sector + " " + (chosen.name || "") }] }] : [], [{ type: "line", data: [], markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#999" },
        data: [{ xAxis: 1 }, { yAxis: 1 }] } }]),
    }, true);
  }

  // The chain as columns of tiers: suppliers of suppliers … | suppliers | the sector | buyers | buyers of
  // buyers …, each node in its tier's column (the chart's own pixels, so nodes keep their shape), edge
  // widths by coefficient, the sector's self-input a_jj in its label, full names on two lines.
  async function renderChainGraph() {
    const tid = $("#io-table").value, sec = $("#io-sector").value, tiers = Number($("#io-tiers").value || 1);
    const links = await api("/io-tables/" + encodeURIComponent(tid) + "/links?sector=" + encodeURIComponent(sec) +
      "&top=" + (tiers > 1 ? 6 : 8) + "&tiers=" + tiers + "&fan=2&lang=" + S.lang);
    S.chainLinks = links;
    const quad = Object.fromEntries(S.keySectors.data.map((r) => [r.sector, r.quadrant]));
    const box = document.getElementById("chain-graph");
    const W = box.clientWidth, H = Math.max(220, box.clientHeight - 102);
    const up = links.upstream_tiers, down = links.downstream_tiers, cols = up.length + down.length + 1;
    const colW = W / cols, xAt = (c) => colW * (c + 0.5);
    const nodes = [], edges = [], at = {};
    const maxCoef = Math.max(1e-9, ...up.concat(down).flat().map((e) => e.coefficient));
    const node = (e, col, i, n, side) => {
      const id = e.sector + "@" + side;
      at[side + e.sector] = id;
      const y = n > 1 ? (i * H) / (n - 1) : H / 2;
      nodes.push({ id, name: e.sector + " " + (e.name || ""), x: xAt(col), y, symbolSize: side === "c" ? 30 : 16,
        symbol: S.chokepoints.has(e.sector) ? "diamond" : "circle",
        itemStyle: { color: quad[e.sector] === "key" ? "#d7301f" : side === "c" ? "#12355b" : "#74add1",
          borderColor: S.chokepoints.has(e.sector) ? "#000" : undefined, borderWidth: S.chokepoints.has(e.sector) ? 2 : 0 },
        label: { show: true, position: "bottom", fontSize: W < 500 ? 9 : 11, width: Math.max(48, colW - 8), overflow: "break",
          lineHeight: W < 500 ? 11 : 13, backgroundColor: "rgba(255,255,255,0.8)",
          formatter: side === "c" ? (e.sector + " " + (e.name || "") + "\n" + t("self_input") + " " + fmt(links.self_input, 3)) : undefined } });
      return id;
    };
    const centre = node({ sector: sec, name: links.name }, up.length, 0, 1, "c");
    const tierEdges = (list, dir) => list.forEach((level, k) => {
      const col = dir === "u" ? up.length - 1 - k : up.length + 1 + k;
      level.forEach((e, i) => {
        const id = node(e, col, i, level.length, dir + (k + 1));
        const via = k === 0 ? centre : at[dir + k + e.via];
        edges.push(Object.assign(dir === "u" ? { source: id, target: via } : { source: via, target: id },
          { value: e.coefficient, lineStyle: { width: 1 + 9 * e.coefficient / maxCoef } }));
      });
    });
    tierEdges(up, "u");
    tierEdges(down, "d");
    const tierTitle = (c) => c === up.length ? "" : t(c < up.length ? "tier_up" : "tier_down").replace("{n}", Math.abs(c - up.length));
    chart("chain-graph").setOption({
      tooltip: { formatter: (p) => p.dataType === "edge" ? t("coefficient") + " " + fmt(p.value, 4) : esc(p.name) },
      title: Array.from({ length: cols }, (_, c) => ({ text: tierTitle(c), left: Math.round(xAt(c) - colW / 2) + 4, top: 24, textStyle: { fontSize: 11 } })),
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: edges, edgeSymbol: ["none", "arrow"],
        lineStyle: { color: "#9ecae1", curveness: 0.1, opacity: 0.9 }, left: colW / 2, right: colW / 2, top: 58, bottom: 44 }],
    }, true);
    box.dataset.nodes = String(nodes.length);
    box.dataset.tiers = String(tiers);
    renderScatter();
  }

  IB.view("chain", {
    init: () => {
      $("#io-table").addEventListener("change", loadChain);
      $("#io-sector").addEventListener("change", () => renderChainGraph().catch(showError));
      $("#io-tiers").addEventListener("change", () => renderChainGraph().catch(showError));
    },
    load: loadChain,
  });
})();
