#include "console/style.hpp"

#include "common/sha256.hpp"
#include "console/encoding.hpp"

namespace strata::console {

namespace {

// Calm colors, system fonts, nothing fetched from anywhere.
constexpr std::string_view kStylesheet = R"css(
:root{--bg:#f5f4f0;--panel:#fff;--ink:#1d2329;--muted:#5f6b76;--line:#e3e0d8;--soft:#faf9f6;
--accent:#2d5b86;--top:#1e2a36;--applied:#1d7a3a;--applied-bg:#e5f3e9;--pending:#8a5a00;
--pending-bg:#fdf2d5;--failed:#b42318;--failed-bg:#fde9e7;--rolled:#5b4bb7;--rolled-bg:#eeebfb;
--mono:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0;color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue","DejaVu Sans",Arial,sans-serif}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
header.top{background:var(--top);color:#e9eef3}
header.top .bar{max-width:1080px;margin:0 auto;padding:12px 24px;display:flex;align-items:center;
gap:16px}
header.top .brand{color:#fff;font-weight:650;letter-spacing:.02em;font-size:16px}
header.top .brand span{color:#9fb3c8;font-weight:400;margin-left:6px}
header.top .who{margin-left:auto;color:#b8c6d3;font-size:14px;display:flex;align-items:center;
gap:12px}
header.top .who b{color:#fff;font-weight:600}
header.top form{margin:0}
header.top button{background:transparent;color:#e9eef3;border:1px solid #4a5b6c;border-radius:6px;
padding:4px 12px;font:inherit;font-size:13px;cursor:pointer}
header.top button:hover{background:#2b3a49}
main{max-width:1080px;margin:0 auto;padding:20px 24px 48px}
nav.crumbs{font-size:14px;color:var(--muted);margin:4px 0 18px}
nav.crumbs a{color:var(--muted)}
nav.crumbs .sep{margin:0 8px;color:#b3ada0}
h1{font-size:26px;font-weight:650;margin:0 0 6px;letter-spacing:-.01em}
h2{font-size:17px;font-weight:650;margin:0 0 12px}
.lead{color:var(--muted);margin:0 0 22px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:18px 20px;
margin:0 0 18px;box-shadow:0 1px 2px rgba(30,40,50,.04)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}
.card{display:block;background:var(--panel);border:1px solid var(--line);border-radius:10px;
padding:16px 18px;color:var(--ink)}
.card:hover{border-color:#c9c3b5;text-decoration:none;box-shadow:0 2px 8px rgba(30,40,50,.06)}
.card .name{font-size:18px;font-weight:650;margin-bottom:6px;overflow-wrap:anywhere}
.card .meta{color:var(--muted);font-size:14px}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin-top:10px}
.state{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:650;
letter-spacing:.03em;white-space:nowrap}
.state-applied{color:var(--applied);background:var(--applied-bg)}
.state-pending{color:var(--pending);background:var(--pending-bg)}
.state-failed{color:var(--failed);background:var(--failed-bg)}
.state-rolled_back{color:var(--rolled);background:var(--rolled-bg)}
.state-other{color:var(--muted);background:#eeece6}
.state-pass{color:var(--applied);background:var(--applied-bg)}
.state-pass_with_warnings{color:var(--pending);background:var(--pending-bg)}
.state-fail{color:var(--failed);background:var(--failed-bg)}
.mark{display:inline-block;border-radius:6px;padding:0 8px;font-size:12px;font-weight:600;
border:1px solid var(--line);color:var(--muted);background:var(--soft);white-space:nowrap}
.mark-drift{color:#8a3b00;border-color:#f0c9a8;background:#fff1e6}
.mark-current{color:var(--accent);border-color:#bcd0e4;background:#eef4fa}
.summary{display:flex;flex-wrap:wrap;gap:28px;margin:0 0 18px}
.summary div{min-width:110px}
.summary .k{color:var(--muted);font-size:13px}
.summary .v{font-size:22px;font-weight:650}
ol.timeline{list-style:none;margin:0;padding:0;position:relative}
ol.timeline:before{content:"";position:absolute;left:15px;top:6px;bottom:6px;width:2px;
background:var(--line)}
ol.timeline li{position:relative;padding-left:46px;margin:0 0 12px}
ol.timeline .dot{position:absolute;left:7px;top:20px;width:18px;height:18px;border-radius:50%;
border:3px solid var(--bg);background:#b9b4a7}
.dot-applied{background:var(--applied)!important}
.dot-pending{background:#d89b13!important}
.dot-failed{background:var(--failed)!important}
.dot-rolled_back{background:var(--rolled)!important}
.entry{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.entry-failed{border-left:4px solid var(--failed)}
.entry-rolled_back{opacity:.85}
.entry .head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.entry .ver{font-weight:700;font-size:17px;color:var(--ink);min-width:38px}
.entry .title{font-weight:600;overflow-wrap:anywhere}
.entry .muted,.muted{color:var(--muted)}
.entry .who{color:var(--muted);font-size:13.5px;margin-top:4px}
.entry .reason{margin-top:8px;color:var(--failed);font-size:14px}
.entry .links{margin-top:6px;font-size:13.5px;display:flex;gap:14px}
ol.timeline li.batch{margin:18px 0 8px;color:var(--muted);font-size:12px;font-weight:650;
letter-spacing:.06em;text-transform:uppercase}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12.5px;letter-spacing:.03em;text-transform:uppercase;
background:var(--soft)}
table.facts th{width:190px;text-transform:none;letter-spacing:0;font-size:14px;background:none}
td.num{text-align:right;font-variant-numeric:tabular-nums}
ol.code{margin:0;padding:0 0 0 2.4em;font:13px/1.6 var(--mono)}
ol.code li{padding:3px 8px;border-bottom:1px dashed #ece9e1;overflow-wrap:anywhere;
white-space:pre-wrap}
ol.code li::marker{color:#a39d90}
code,.mono{font-family:var(--mono);font-size:13px;overflow-wrap:anywhere}
.ok{color:var(--applied);font-weight:700}
.bad{color:var(--failed);font-weight:700}
.warn{color:var(--pending);font-weight:700}
.callout{border-radius:8px;padding:10px 14px;margin:0 0 16px;font-size:14.5px;border:1px solid}
.callout-error{background:var(--failed-bg);border-color:#f3c1bb;color:#7a1a12}
.callout-warning{background:#fff6e0;border-color:#f0d9a0;color:#6b4a00}
.callout-info{background:#eef4fa;border-color:#c9daea;color:#20425f}
ul.plain{margin:0;padding-left:1.2em}
.empty{color:var(--muted);font-style:italic}
.login{max-width:380px;margin:72px auto}
.login h1{font-size:22px;margin-bottom:4px}
.login label{display:block;font-size:13px;color:var(--muted);margin:14px 0 4px}
.login input{width:100%;padding:9px 11px;border:1px solid #cfcabe;border-radius:7px;font:inherit;
background:#fff}
.login input:focus{outline:2px solid #9cc0e3;border-color:var(--accent)}
.login button{margin-top:18px;width:100%;padding:10px;border:0;border-radius:7px;
background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}
footer{max-width:1080px;margin:0 auto;padding:0 24px 28px;color:#9a9485;font-size:12.5px}
)css";

constexpr std::string_view kIcon =
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Crect width='16' height='16' rx='3' fill='%231e2a36'/%3E"
    "%3Crect x='3' y='4' width='10' height='2' fill='%239fb3c8'/%3E"
    "%3Crect x='3' y='7' width='10' height='2' fill='%23e5f3e9'/%3E"
    "%3Crect x='3' y='10' width='10' height='2' fill='%23fdf2d5'/%3E%3C/svg%3E";

}  // namespace

std::string_view stylesheet() { return kStylesheet; }

const std::string& stylesheet_csp_source() {
  static const std::string source = [] {
    const Digest digest = sha256(kStylesheet);
    return "'sha256-" +
           base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                          digest.size())) +
           "'";
  }();
  return source;
}

std::string_view icon_data_uri() { return kIcon; }

}  // namespace strata::console
