// Dashboard view: enterprises (the register for analysts, the self-assessment for a firm).
(function () {
  "use strict";
  const { API, S, $, t, api, showError, fmt, unitLabel, regionName, row, label, chart, download, esc } = IB;

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
        $("#aggregate-chart-export").hidden = true; // nothing to export yet
        showError(null);
        return;
      }
      const rows = agg.data.filter((r) => r.sector !== "ALL");
      S.aggregates = rows;
      $("#aggregate-chart-export").hidden = false;
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
      "'></label></div>" +
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
    // CSV / XLSX of every firm that matches the search (not only the page shown)
    IB.exportButtons($("#firm-list"), async () => {
      const all = await api(query().replace(/limit=\d+&offset=\d+/, "limit=10000&offset=0"));
      return { name: "enterprises" + (st.search ? "-" + st.search.replace(/[^\w\u4e00-\u9fff-]+/g, "_").slice(0, 40) : ""),
        title: t("enterprise_register") + (st.search ? " · " + t("search") + ": " + st.search : ""), unit: t("score_unit"),
        source: t("register_source"), synthetic: all.data.some((e) => /synthetic/i.test(e.dataset_id || "")),
        rows: all.data.map((e) => [e.uscc, e.name || "", e.sector_name || e.sector_code || "", regionName(e.region_code),
          e.total_score === null || e.total_score === undefined ? "" : Math.round(e.total_score * 10) / 10, e.level || ""]) };
    });
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
  // which the server requires like the rest). Answers live in S.answers, in sessionStorage and, a
  // moment after each change, in the firm's draft on the server (PUT /assess/draft), so a tab or
  // language switch, a reload or another browser finds them again; problems are shown next to their
  // question. Multiple-choice questions are checkbox groups (no Ctrl-click).
  const answersKey = () => "ib-answers-" + (S.me && S.me.uscc);
  let draftTimer = null;

  function keepAnswer(el) {
    const a = S.answers;
    if (el.dataset.type === "multiple_choice") {
      a[el.name] = [...document.querySelectorAll('#questionnaire input[type=checkbox][name="' + el.name + '"]:checked')].map((c) => c.value);
    } else a[el.name] = el.value;
    if (a[el.name] === "" || (Array.isArray(a[el.name]) && !a[el.name].length)) delete a[el.name];
    sessionStorage.setItem(answersKey(), JSON.stringify(a));
    fieldProblem(el.name, null);
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 400);
  }

  // the answers so far to the server (numbers as numbers); the status line says when it was kept
  async function saveDraft() {
    clearTimeout(draftTimer);
    const answers = {};
    for (const q of S.questions || []) {
      const v = S.answers[q.code];
      if (v === undefined) continue;
      answers[q.code] = q.type === "numeric" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    try {
      const d = await api("/assess/draft", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answers }) });
      S.draftSaved = d.updated_at;
      const el = document.getElementById("draft-status");
      if (el) el.textContent = t("draft_saved") + " " + d.updated_at.slice(11, 16) + " UTC";
    } catch (e) { /* the next change tries again; sessionStorage still holds the answers */ }
  }

  function fieldProblem(code, text) {
    const row = document.querySelector('#questionnaire .q[data-code="' + code + '"]');
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
    // the server's draft holds what this browser's session may not (another tab, a new login)
    try { const d = await api("/assess/draft"); S.answers = Object.assign({}, d.answers, S.answers); S.draftSaved = d.updated_at; } catch (e) { /* no draft service */ }
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
      // a multiple choice is a group of checkboxes (a <div>: a <label> around several boxes would
      // tick the first when its text is clicked); the other questions are one labelled field
      const multi = q.type === "multiple_choice";
      const row = document.createElement(multi ? "div" : "label");
      row.className = "q";
      row.dataset.code = q.code;
      const txt = document.createElement("span");
      txt.className = "q-text";
      txt.textContent = q.code + " " + q.text + (q.unit ? " (" + unitLabel(q.unit) + ")" : "") + (q.required ? " *" : "");
      row.appendChild(txt);
      let input;
      const kept = S.answers[q.code];
      if (q.type === "numeric") {
        input = document.createElement("input");
        input.type = "number"; input.min = q.min; input.max = q.max; input.step = "any";
        input.placeholder = q.min + " – " + q.max;
        if (kept !== undefined) input.value = kept;
      } else if (multi) {
        input = document.createElement("fieldset");
        input.className = "checks";
        input.setAttribute("role", "group");
        input.setAttribute("aria-label", q.code + " " + q.text);
        for (const o of q.options) {
          const l = document.createElement("label");
          const box = document.createElement("input");
          box.type = "checkbox"; box.name = q.code; box.value = o.code; box.dataset.type = q.type;
          box.checked = Array.isArray(kept) && kept.includes(o.code);
          box.addEventListener("change", () => keepAnswer(box));
          l.append(box, document.createTextNode(" " + o.code + " " + o.name));
          input.appendChild(l);
        }
      } else {
        input = document.createElement("select");
        for (const o of q.options) {
          const opt = document.createElement("option");
          opt.value = o.code; opt.textContent = o.code + " " + o.name;
          opt.selected = kept === o.code;
          input.appendChild(opt);
        }
        if (kept === undefined) input.selectedIndex = -1;
      }
      if (!multi) {
        input.name = q.code;
        input.dataset.type = q.type;
        input.addEventListener("change", () => keepAnswer(input));
        input.addEventListener("input", () => keepAnswer(input));
      }
      row.appendChild(input);
      form.appendChild(row);
    }
    const foot = document.createElement("div");
    foot.className = "submit-row";
    const btn = document.createElement("button");
    btn.type = "submit"; btn.id = "submit-assessment"; btn.textContent = t("submit");
    const status = document.createElement("span");
    status.id = "submit-status"; status.setAttribute("role", "status");
    const kept = document.createElement("span");
    kept.id = "draft-status"; kept.className = "note";
    if (S.draftSaved) kept.textContent = t("draft_saved") + " " + S.draftSaved.slice(11, 16) + " UTC";
    foot.append(btn, status, kept);
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
      const first = document.querySelector("#questionnaire .q.invalid");
      first.scrollIntoView({ block: "center" });
      first.querySelector("input, select").focus({ preventScroll: true });
      saveDraft();
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
      clearTimeout(draftTimer); // the server deleted the draft with the submission
      S.answers = {}; S.draftSaved = null;
      await renderProfile();
      const cells = document.querySelectorAll("#enterprise-body table tbody tr td");
      if (cells.length >= 6) { cells[4].textContent = fmt(r.total_score, 1); cells[5].textContent = r.level || "–"; }
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
      fmt(p.latest.total_score, 1) + "</strong>" + (p.next_level ? " · " + t("next_level") + ": " + p.next_level : "") + "</p>" +
      "<div class='grid two'><div id=radar class='chart small'></div><div id=roadmap></div></div>";
    const dims = p.dimensions;
    if (S.charts.radar) { S.charts.radar.dispose(); delete S.charts.radar; }
    const series = [{ value: dims.map((d) => d.score), name: t("enterprise_record") }];
    if (dims.some((d) => d.benchmark !== null)) series.push({ value: dims.map((d) => d.benchmark), name: t("sector_benchmark") });
    chart("radar").setOption({
      legend: { bottom: 0 }, tooltip: {},
      radar: { indicator: dims.map((d) => ({ name: zh ? d.name_zh : d.name_en, max: 100 })), radius: document.documentElement.clientWidth < 600 ? "50%" : "62%" },
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
      for (const k of keys) { const td = document.createElement("td"); td.textContent = typeof r[k] === "number" && k !== "step" ? fmt(r[k], 1) : (r[k] ?? ""); if (typeof r[k] === "number") td.className = "num"; tr.appendChild(td); }
      tb.appendChild(tr);
    }
    table.appendChild(tb);
    rm.appendChild(table);
    const who = (p.name || p.uscc) + " · " + p.uscc;
    IB.exportButtons(table, () => ({ name: "roadmap-" + p.uscc, title: t("roadmap") + " · " + who, unit: t("score_unit"), source: t("assessment_source") }));
    IB.chartExports("radar", () => ({ name: "dimensions-" + p.uscc, title: t("dimension_scores") + " · " + who, unit: t("score_unit"), source: t("assessment_source"),
      columns: [t("dimension"), t("score"), t("sector_benchmark")],
      rows: dims.map((d) => [zh ? d.name_zh : d.name_en, d.score === null ? "" : Math.round(d.score * 10) / 10, d.benchmark === null || d.benchmark === undefined ? "" : Math.round(d.benchmark * 10) / 10]) }));
  }


  IB.view("enterprise", {
    init: () => {
      $("#login").addEventListener("submit", IB.login);
      IB.chartExports("aggregate-chart", () => ({ name: "sector-benchmarks", title: t("aggregates"), unit: t("score_unit"), source: t("release_source"),
        synthetic: true, columns: [t("sector"), t("n"), t("mean"), t("suppressed")],
        rows: (S.aggregates || []).map((r) => [r.sector_name || r.sector, r.suppressed ? "" : r.n, r.suppressed ? "" : Math.round(r.mean * 10) / 10, r.suppressed ? t("suppressed") : ""]) }));
      $("#logout").addEventListener("click", IB.logout);
    },
    load: loadEnterprise,
  });
})();
