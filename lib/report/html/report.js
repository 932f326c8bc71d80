/* SPDX-License-Identifier: MIT */
/*
 * capsim HTML report: builds the page from the run report embedded as JSON
 * (element #capsim-data).  Text goes in with textContent only, charts are
 * uPlot instances, and when everything is drawn the page writes what it
 * drew to #capsim-status (JSON: errors, and per chart its series, points
 * and non-empty values read back from the chart) for tests and tools.
 */
(function () {
	"use strict";

	var errors = [];
	var charts = {};
	var app = document.getElementById("app");

	window.addEventListener("error", function (ev) {
		errors.push(String(ev.message));
	});

	function el(tag, text, cls) {
		var e = document.createElement(tag);

		if (text !== undefined && text !== null)
			e.textContent = String(text);
		if (cls)
			e.className = cls;
		return e;
	}

	function add(parent, tag, text, cls) {
		var e = el(tag, text, cls);

		parent.appendChild(e);
		return e;
	}

	function section(title) {
		var s = add(app, "section");

		add(s, "h2", title);
		return s;
	}

	function fmt(v) {
		if (v === null || v === undefined)
			return "\u2013";
		if (typeof v === "number")
			return Number.isInteger(v) ? String(v)
			    : String(Math.round(v * 1000) / 1000);
		if (typeof v === "boolean")
			return v ? "yes" : "no";
		if (Array.isArray(v) && v.every(function (e) {
			return e === null || typeof e !== "object";
		}))
			return v.map(fmt).join(", ");
		if (typeof v === "object")
			return JSON.stringify(v);
		return String(v);
	}

	/* rows: array of arrays; numbers are right-aligned; no header row
	 * when head is null */
	function table(parent, head, rows) {
		var t = add(parent, "table");
		var tr = head ? add(t, "tr") : null;

		(head || []).forEach(function (h) { add(tr, "th", h); });
		rows.forEach(function (r) {
			var row = add(t, "tr");

			r.forEach(function (c) {
				add(row, "td", fmt(c),
				    typeof c === "number" ? "num" : "");
			});
		});
		return t;
	}

	function kvTable(parent, obj, keys) {
		var rows = [];

		(keys || Object.keys(obj)).forEach(function (k) {
			if (obj[k] !== undefined)
				rows.push([k, obj[k]]);
		});
		return table(parent, null, rows);
	}

	/* An array of objects as a table, one column per key seen. */
	function objTable(parent, list) {
		var keys = [];

		list.forEach(function (o) {
			Object.keys(o).forEach(function (k) {
				if (keys.indexOf(k) < 0)
					keys.push(k);
			});
		});
		return table(parent, keys.map(function (k) {
			return k.replace(/_/g, " ");
		}), list.map(function (o) {
			return keys.map(function (k) { return o[k]; });
		}));
	}

	var palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
	    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
	    "#17becf", "#393b79"];

	function absent(parent, id, why) {
		add(parent, "p", why, "absent");
		charts[id] = { absent: why };
	}

	/* Vertical lines at the timeline marks (a uPlot draw hook). */
	function markPlugin(marks) {
		return {
			hooks: {
				draw: [function (u) {
					var ctx = u.ctx;

					ctx.save();
					ctx.strokeStyle = "#b45309";
					ctx.fillStyle = "#b45309";
					ctx.setLineDash([5, 4]);
					ctx.lineWidth = 1.5;
					ctx.font = "11px sans-serif";
					marks.forEach(function (m) {
						var x = u.valToPos(m.t_s, "x", true);

						if (!(x >= u.bbox.left &&
						    x <= u.bbox.left + u.bbox.width))
							return;
						ctx.beginPath();
						ctx.moveTo(x, u.bbox.top);
						ctx.lineTo(x, u.bbox.top +
						    u.bbox.height);
						ctx.stroke();
						ctx.fillText(String(m.what), x + 3,
						    u.bbox.top + 12);
					});
					ctx.restore();
				}]
			}
		};
	}

	/*
	 * One chart: x values, named y series ({label, values}), axis
	 * labels.  Series without any value are left out; a chart with no
	 * series left says so instead of drawing an empty frame.
	 */
	function chart(parent, id, title, x, ys, opt) {
		var box = add(parent, "div", null, "chart");
		var data = [x];
		var series = [{ label: opt.xlabel }];
		var u;

		box.id = "chart-" + id;
		ys = ys.filter(function (s) {
			return s.values.some(function (v) {
				return typeof v === "number";
			});
		});
		if (x.length === 0 || ys.length === 0) {
			box.remove();
			absent(parent, id, title + ": " +
			    (opt.empty || "no values in this report"));
			return;
		}
		ys.forEach(function (s, i) {
			var c = s.colour !== undefined ? s.colour : i;

			data.push(s.values);
			series.push({
				label: s.label,
				stroke: palette[c % palette.length],
				dash: s.dash,
				width: 1.5,
				spanGaps: false,
				points: { show: x.length < 40 },
				paths: opt.stepped && uPlot.paths.stepped
				    ? uPlot.paths.stepped({ align: 1 })
				    : undefined
			});
		});
		u = new uPlot({
			title: title,
			width: Math.min(1040, Math.max(600,
			    app.clientWidth || 1040)),
			height: 260,
			scales: {
				x: { time: false, distr: opt.xlog ? 3 : 1 },
				y: { range: function (self, min, max) {
					return [Math.min(0, min),
					    max > 0 ? max * 1.1 : 1];
				} }
			},
			axes: [{ label: opt.xlabel }, { label: opt.ylabel }],
			series: series,
			plugins: opt.marks && opt.marks.length > 0
			    ? [markPlugin(opt.marks)] : []
		}, data, box);
		charts[id] = u;
	}

	/* What each chart holds, read back from the uPlot instances. */
	function status() {
		var out = { errors: errors, charts: {} };

		Object.keys(charts).forEach(function (id) {
			var u = charts[id];
			var values = 0;
			var canvas;

			if (u.absent) {
				out.charts[id] = { absent: u.absent };
				return;
			}
			for (var s = 1; s < u.data.length; s++)
				u.data[s].forEach(function (v) {
					if (typeof v === "number" && isFinite(v))
						values++;
				});
			canvas = u.root.querySelector("canvas");
			out.charts[id] = {
				series: u.series.length - 1,
				points: u.data[0].length,
				values: values,
				canvas_px: canvas ? canvas.width * canvas.height
				    : 0
			};
		});
		var st = document.createElement("pre");

		st.id = "capsim-status";
		st.hidden = true;
		st.textContent = JSON.stringify(out);
		document.body.appendChild(st);
	}

	/* One part of the page; a part the report's data breaks says so and
	 * the others are still shown. */
	function part(name, fn) {
		try {
			fn();
		} catch (e) {
			errors.push(name + ": " + String(e));
			add(app, "p", "This part of the report (" + name + ") " +
			    "could not be shown: the report's data does not have " +
			    "the expected shape (" + String(e) + ").", "absent");
		}
	}

	function render(r) {
		var ts = r.timeseries;
		var marks = ts && Array.isArray(ts.marks) ? ts.marks : [];
		var s, rows, grid, x;

		/* ---- verdict and its evidence ---- */
		part("verdict and its evidence", function () {
			s = section("Verdict and evidence");
			if (r.interrupted)
				add(s, "p", "The run was interrupted: capsim stopped " +
				    "it before its end, so every number below is " +
				    "partial.", "absent");
			if (r.diagnosis) {
				var d = r.diagnosis;
				var shown = ["code", "summary", "hint", "aps_affected",
				    "confidence", "evidence"];
				var own = ["counts", "causes", "self_health"];

				kvTable(s, d, shown);
				Object.keys(d).forEach(function (k) {
					var v = d[k];

					if (shown.indexOf(k) >= 0 ||
					    own.indexOf(k) >= 0)
						return;
					add(s, "h3", k.replace(/_/g, " "));
					if (Array.isArray(v) && v.length > 0 &&
					    v.every(function (e) {
						return e && typeof e === "object" &&
						    !Array.isArray(e);
					    }))
						objTable(s, v);
					else if (Array.isArray(v))
						v.forEach(function (e) {
							add(s, "div", fmt(e), "note");
						});
					else if (v && typeof v === "object")
						kvTable(s, v);
					else
						add(s, "p", fmt(v));
				});
				if (Array.isArray(d.causes) && d.causes.length > 0) {
					add(s, "h3", "Causes and their evidence");
					table(s, ["cause", "APs", "confidence",
					    "evidence"], d.causes.map(function (c) {
						return [c.cause, c.aps, c.confidence,
						    c.evidence];
					}));
				}
				if (d.counts && Object.keys(d.counts).length > 0) {
					add(s, "h3", "APs per cause");
					kvTable(s, d.counts);
				}
			} else {
				add(s, "p", "No diagnosis in this report: the cause " +
				    "of any failure is inconclusive.", "note");
			}
			if (Array.isArray(r.expectations) &&
			    r.expectations.length > 0) {
				add(s, "h3", "Expectations");
				table(s, ["expectation", "measured", "result",
				    "message"], r.expectations.map(function (e) {
					return [e.expr, e.measured, e.pass ? "PASS"
					    : (e.missing ? "INCONCLUSIVE" : "FAIL"),
					    e.message];
				}));
			}

		});
		/* ---- affected APs ---- */
		part("affected APs", function () {
			s = section("Affected APs");
			rows = [["APs simulated", r.aps], ["joined", r.joined],
			    ["in Run at the end", r.in_run],
			    ["had failures", r.failed], ["left Run", r.left_run]];
			if (r.diagnosis && r.diagnosis.aps_affected !== undefined)
				rows.push(["affected by the diagnosed cause",
				    r.diagnosis.aps_affected]);
			table(s, ["", "APs"], rows);
			var causes = r.diagnosis && Array.isArray(r.diagnosis.causes)
			    ? r.diagnosis.causes : [];
			causes.forEach(function (c) {
				var det = add(s, "details");
				var list = Array.isArray(c.ap_list) ? c.ap_list : [];

				add(det, "summary", fmt(c.cause) + ": " + fmt(c.aps) +
				    " APs" + (c.ap_names ? " (" + c.ap_names + ")"
				    : ""));
				if (list.length > 0)
					objTable(det, list);
			});
			if (r.states)
				table(s, ["state at the end", "APs"],
				    Object.keys(r.states).filter(function (k) {
					return r.states[k] > 0;
				}).map(function (k) { return [k, r.states[k]]; }));

		});
		/* ---- time series charts ---- */
		part("time series charts", function () {
			s = section("Over time");
			if (!ts || !Array.isArray(ts.t_s)) {
				add(s, "p", "This report has no time series (it was " +
				    "written before capsim recorded one).", "note");
			} else {
				add(s, "p", "One point per " + fmt(ts.interval_s) +
				    " s interval" + (marks.length > 0
				    ? "; dashed lines mark the timeline events."
				    : "."), "note");
				if (ts.intervals_not_recorded > 0)
					add(s, "p", "capsim limited this series: " +
					    fmt(ts.intervals_not_recorded) + " later " +
					    "intervals were not recorded (the series " +
					    "was full).", "absent");
			}
			x = ts && Array.isArray(ts.t_s) ? ts.t_s : [];
			var none = "this report has no time series";
			var st = ts && ts.states ? ts.states : {};
			chart(s, "states", "APs per state", x,
			    Object.keys(st).map(function (k) {
				return { label: k, values: st[k] };
			    }).filter(function (e) {
				return e.values.some(function (v) { return v > 0; });
			    }), { xlabel: "s", ylabel: "APs", marks: marks,
			    empty: x.length ? "no AP in any state" : none });
			chart(s, "joins", "Joins per second", x,
			    [{ label: "joins/s", values: ts ? ts.joins_per_s || []
			    : [] }], { xlabel: "s", ylabel: "joins/s", marks: marks,
			    empty: none });
			var fy = [{ label: "failures", values: ts ? ts.failures || []
			    : [] }, { label: "retransmits", values: ts
			    ? ts.retransmits || [] : [] }];
			if (ts && ts.failures_by_phase)
				Object.keys(ts.failures_by_phase).forEach(function (k) {
					var v = ts.failures_by_phase[k];

					if (v.some(function (n) { return n > 0; }))
						fy.push({ label: "failures " + k,
						    values: v });
				});
			chart(s, "failures", "Failures and retransmits per interval",
			    x, fy, { xlabel: "s", ylabel: "per interval",
			    marks: marks, empty: none });
			var ly = [];
			if (ts && ts.latency_ms)
				/* one colour per phase; p99 dashed */
				Object.keys(ts.latency_ms).forEach(function (k, i) {
					ly.push({ label: k + " p50", colour: i,
					    values: ts.latency_ms[k].p50 || [] });
					ly.push({ label: k + " p99", colour: i,
					    dash: [6, 4],
					    values: ts.latency_ms[k].p99 || [] });
				});
			chart(s, "latency", "Phase latency per interval (phases " +
			    "that ended in it)", x, ly, { xlabel: "s",
			    ylabel: "ms", marks: marks, empty: x.length
			    ? "no phase ended in any interval" : none });
			var hy = [];
			if (ts && ts.health)
				Object.keys(ts.health).forEach(function (k) {
					hy.push({ label: k, values: ts.health[k] });
				});
			chart(s, "health", "capsim's health: how late its timers " +
			    "fired", x, hy, { xlabel: "s", ylabel: "ms",
			    marks: marks, empty: x.length ? "capsim's timer " +
			    "lateness was not measured in this run" : none });
			if (marks.length > 0) {
				add(s, "h3", "Timeline");
				table(s, ["at (s)", "event"], marks.map(function (m) {
					return [m.t_s, m.what];
				}));
			}

		});
		/* ---- latency percentiles and distribution ---- */
		part("latency percentiles and distribution", function () {
			s = section("Phase latency");
			if (r.phases)
				table(s, ["phase", "count", "p50 ms", "p95 ms",
				    "p99 ms", "p99.9 ms", "max ms"],
				    Object.keys(r.phases).map(function (k) {
					var p = r.phases[k];

					return [k, p.count, p.p50_ms, p.p95_ms,
					    p.p99_ms, p.p999_ms, p.max_ms];
				    }));
			var h = r.histograms || {};
			var edges = {};
			Object.keys(h).forEach(function (k) {
				(h[k].buckets || []).forEach(function (b) {
					edges[b[0]] = true;
				});
		});
		var ex = Object.keys(edges).map(Number).filter(function (v) {
			return v > 0;
		}).sort(function (a, b) { return a - b; });
		chart(s, "cdf", "Share of phases done within a time " +
		    "(cumulative, all intervals)", ex,
		    Object.keys(h).filter(function (k) {
			return h[k].count > 0;
		    }).map(function (k) {
			var b = h[k].buckets || [];
			var i = 0, seen = 0;

			return { label: k, values: ex.map(function (e) {
				while (i < b.length && b[i][0] <= e)
					seen += b[i++][1];
				return seen / h[k].count;
			}) };
		    }), { xlabel: "ms (log)", ylabel: "share", xlog: true,
		    stepped: true,
		    empty: "no phase latency recorded" });

		});
		/* ---- failures ---- */
		part("failures", function () {
			s = section("Failures by phase and reason");
			rows = [];
			Object.keys(r.failures || {}).forEach(function (p) {
				Object.keys(r.failures[p]).forEach(function (why) {
					rows.push([p, why, r.failures[p][why]]);
				});
		});
		if (rows.length > 0)
			table(s, ["phase", "reason", "count"], rows);
		else
			add(s, "p", "No failures.", "note");

		});
		/* ---- wireless clients (issue 14), when the run had any ---- */
		if (r.clients && typeof r.clients === "object")
		part("wireless clients", function () {
			var c = r.clients;
			var d = c.diagnosis;

			s = section("Wireless clients");
			if (d && typeof d === "object") {
				add(s, "p", fmt(d.code) + ": " + fmt(d.summary),
				    d.code === "ok" ? "note" : "absent");
				if (d.hint)
					add(s, "p", fmt(d.hint), "note");
				if (Array.isArray(d.causes) && d.causes.length > 0)
					objTable(s, d.causes);
			}
			table(s, ["", "clients"], [["created", c.clients],
			    ["joined", c.joined], ["failed", c.failed],
			    ["joined per second", c.joined_per_s]]);
			var st = c.states || {};
			table(s, ["state at the end", "clients"],
			    Object.keys(st).filter(function (k) {
				return st[k] > 0;
			    }).map(function (k) { return [k, st[k]]; }));
			var ph = c.phases || {};
			table(s, ["phase", "count", "p50 ms", "p95 ms", "p99 ms",
			    "p99.9 ms", "max ms"],
			    Object.keys(ph).map(function (k) {
				var p = ph[k];

				return [k, p.count, p.p50_ms, p.p95_ms, p.p99_ms,
				    p.p999_ms, p.max_ms];
			    }));
			if (Array.isArray(c.reasons) && c.reasons.length > 0)
				table(s, ["phase", "reason", "802.11 code", "count"],
				    c.reasons.map(function (e) {
					return [e.phase, e.reason, e.code, e.count];
				    }));
		});
		/* ---- capsim's health ---- */
		part("capsim's health", function () {
			s = section("capsim's health");
			var sh = r.diagnosis && r.diagnosis.self_health;
			if (sh && typeof sh === "object")
				add(s, "p", (sh.ok === false
				    ? "capsim limited this run: "
				    : "capsim kept up with this run. ") +
				    (sh.detail ? String(sh.detail) : ""),
				    sh.ok === false ? "absent" : "note");
			if (r.resources) {
				var res = r.resources;

				rows = [["peak RSS (KiB)", res.max_rss_kib],
				    ["CPU user (s)", res.cpu_user_s],
				    ["CPU system (s)", res.cpu_sys_s],
				    ["open descriptors", res.fds]];
				if (res.timer_lateness_ms)
					rows.push(["timer lateness p50 / p99 / max " +
					    "(ms)", [res.timer_lateness_ms.p50,
					    res.timer_lateness_ms.p99,
					    res.timer_lateness_ms.max].map(fmt)
					    .join(" / ")]);
				table(s, null, rows);
				if (res.capsim_health &&
				    typeof res.capsim_health === "object") {
					add(s, "h3", "Engine health");
					kvTable(s, res.capsim_health);
				}
			} else {
				add(s, "p", "Not measured in this report.", "note");
			}

		});
		/* ---- the run and its scenario ---- */
		part("the run and its scenario", function () {
			s = section("Run and scenario");
			grid = add(s, "div", null, "grid");
			var run = {};
			["scenario", "wlc", "wlc_verification", "dtls_version",
			    "ciphers", "seed", "duration_s", "joins", "retransmits",
			    "failures_total", "version", "capsim_version",
			    "start_time", "started_at", "host", "command_line"]
			    .forEach(function (k) {
				if (r[k] !== undefined)
					run[k] = k === "scenario" && r[k] &&
					    typeof r[k] === "object" ?
					    [r[k].name, r[k].file].filter(Boolean)
					    .join(" \u2013 ") : r[k];
			    });
			if (r.rates)
				Object.keys(r.rates).forEach(function (k) {
					run[k] = r.rates[k];
				});
			kvTable(grid, run);
			if (r.wlc_counters)
				kvTable(grid, r.wlc_counters);
			if (Array.isArray(r.impairments) && r.impairments.length > 0) {
				add(s, "h3", "Impairments");
				r.impairments.forEach(function (im) {
					kvTable(s, im);
				});
			}
			add(s, "p", "Written by capsim from its JSON run report; " +
			    "charts by uPlot.", "note");
		});
	}

	try {
		render(JSON.parse(
		    document.getElementById("capsim-data").textContent));
	} catch (e) {
		errors.push(String(e && e.stack ? e.stack : e));
		add(app, "p", "The report could not be shown: " + String(e),
		    "absent");
	}
	/* after uPlot's first paint */
	requestAnimationFrame(function () { setTimeout(status, 0); });
})();
