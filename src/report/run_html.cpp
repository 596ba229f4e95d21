// PLACEHOLDER — replace at merge with the HTML writer from the report helper's branch.
// It only wraps the Markdown report in a page so `--format html` produces a valid, self-contained
// file until the real writer (plots of KV memory, latency CDFs, roofline, memory, SKU costs) lands.

#include "kvsim/report/run_html.h"

#include "kvsim/report/run_report.h"

namespace kvsim::report {

std::string run_html(const core::Doc& run_json) {
  std::string md = run_markdown(run_json);
  std::string escaped;
  for (char c : md) {
    if (c == '<')
      escaped += "&lt;";
    else if (c == '>')
      escaped += "&gt;";
    else if (c == '&')
      escaped += "&amp;";
    else
      escaped += c;
  }
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>kvsim report</title></head>\n"
         "<body><pre>\n" +
         escaped + "</pre></body></html>\n";
}

}  // namespace kvsim::report
