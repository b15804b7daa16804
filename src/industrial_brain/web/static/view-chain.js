// Dashboard view: the industrial chain of an input-output table (linkages, up- and downstream).
(function () {
  "use strict";
  const { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, esc } = IB;

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


  IB.view("chain", {
    init: () => {
      $("#io-table").addEventListener("change", loadChain);
      $("#io-sector").addEventListener("change", () => renderChainGraph().catch(showError));
    },
    load: loadChain,
  });
})();
