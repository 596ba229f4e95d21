// Text, numbers and ticks for the SVG charts (include/kvsim/core/svg.h).

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "kvsim/core/svg.h"

namespace kvsim::core::svg {
namespace {

/// A display unit for a whole axis: values are divided by `factor` and labelled with `prefix`
/// before and `unit` after the number.
struct DisplayUnit {
  double factor = 1;
  std::string prefix, unit;
};

DisplayUnit display_unit(double max_abs, Unit unit, std::string_view suffix) {
  switch (unit) {
    case Unit::bytes: {
      static const std::array<const char*, 5> names = {"B", "KiB", "MiB", "GiB", "TiB"};
      size_t k = 0;
      double f = 1;
      while (k + 1 < names.size() && max_abs >= f * 1024) {
        f *= 1024;
        ++k;
      }
      return {f, "", std::string(" ") + names[k]};
    }
    case Unit::seconds:
      if (max_abs >= 1 || max_abs == 0) return {1, "", " s"};
      if (max_abs >= 1e-3) return {1e-3, "", " ms"};
      if (max_abs >= 1e-6) return {1e-6, "", " µs"};
      return {1e-9, "", " ns"};
    case Unit::usd:
      return {1, "$", ""};
    case Unit::fraction:
      return {0.01, "", "%"};
    case Unit::number:
      break;
  }
  static const std::array<const char*, 6> prefixes = {"", "k", "M", "G", "T", "P"};
  size_t k = 0;
  double f = 1;
  while (k + 1 < prefixes.size() && max_abs >= f * 1000) {
    f *= 1000;
    ++k;
  }
  const std::string p = prefixes[k];
  if (suffix.empty()) return {f, "", p};
  return {f, "", " " + p + std::string(suffix)};
}

/// "-$0.50", "20 GiB": the sign goes before the prefix, and a value that rounds to zero has none.
std::string join_label(double scaled, int decimals, const DisplayUnit& u) {
  const std::string digits = fmt::format("{:.{}f}", std::abs(scaled), decimals);
  const bool negative = scaled < 0 && digits.find_first_not_of("0.") != std::string::npos;
  return (negative ? "-" : "") + u.prefix + digits + u.unit;
}

/// Exact decimal text of m × 10^d for a small integer m.
std::string decimal_text(int m, int d) {
  std::string s = std::to_string(m);
  if (d >= 0) return s + std::string(static_cast<size_t>(d), '0');
  const size_t frac = static_cast<size_t>(-d);
  if (s.size() <= frac) s = std::string(frac - s.size() + 1, '0') + s;
  s.insert(s.size() - frac, ".");
  return s;
}

/// Label of m × 10^d on a log axis, exact (no floating-point division).
std::string log_label(int m, int d, Unit unit, std::string_view suffix) {
  auto prefixed = [&](const std::array<const char*, 7>& names, int base_exp, int step) {
    // names[i] is the prefix of 10^(base_exp + step * i).
    int i = 0;
    while (i + 1 < static_cast<int>(names.size()) && d >= base_exp + step * (i + 1))
      ++i;
    if (d < base_exp) i = 0;
    return std::make_pair(decimal_text(m, d - (base_exp + step * i)),
                          std::string(names[static_cast<size_t>(i)]));
  };
  switch (unit) {
    case Unit::seconds: {
      auto [num, p] = prefixed({"ns", "µs", "ms", "s", "s", "s", "s"}, -9, 3);
      if (d >= 0) return decimal_text(m, d) + " s";
      return num + " " + p;
    }
    case Unit::bytes: {
      auto [num, p] = prefixed({"B", "kB", "MB", "GB", "TB", "PB", "EB"}, 0, 3);
      return num + " " + p;
    }
    case Unit::usd:
      return "$" + decimal_text(m, d);
    case Unit::fraction:
      return decimal_text(m, d + 2) + "%";
    case Unit::number:
      break;
  }
  auto [num, p] = prefixed({"", "k", "M", "G", "T", "P", "E"}, 0, 3);
  if (suffix.empty()) return num + p;
  return num + " " + p + std::string(suffix);
}

double nice_step(double span, int target) {
  const double raw = span / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return m * mag;
}

TickSet linear_ticks(double lo, double hi, const Axis& axis, int target) {
  const DisplayUnit u = display_unit(std::max(std::abs(lo), std::abs(hi)), axis.unit, axis.suffix);
  const double slo = lo / u.factor, shi = hi / u.factor;
  const double step = nice_step(shi - slo, target);
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  const int shown = axis.unit == Unit::usd && decimals > 0 ? std::max(decimals, 2) : decimals;
  const auto first = static_cast<int64_t>(std::floor(slo / step + 1e-9));
  const auto last = static_cast<int64_t>(std::ceil(shi / step - 1e-9));
  TickSet t;
  t.lo = axis.min ? *axis.min : static_cast<double>(first) * step * u.factor;
  t.hi = axis.max ? *axis.max : static_cast<double>(last) * step * u.factor;
  for (int64_t i = first; i <= last; ++i) {
    const double scaled = static_cast<double>(i) * step;
    const double v = scaled * u.factor;
    const double eps = step * u.factor * 1e-6;
    if (v < t.lo - eps || v > t.hi + eps) continue;
    t.ticks.push_back({v, join_label(scaled, shown, u)});
  }
  return t;
}

TickSet log_ticks(double lo, double hi, const Axis& axis) {
  int d0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int d1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (d1 <= d0) d1 = d0 + 1;
  TickSet t;
  t.lo = axis.min ? *axis.min : std::pow(10.0, d0);
  t.hi = axis.max ? *axis.max : std::pow(10.0, d1);
  const bool minor = d1 - d0 <= 2;
  for (int d = d0; d <= d1; ++d) {
    for (int m : {1, 2, 5}) {
      if (m != 1 && !minor) continue;
      const double v = m * std::pow(10.0, d);
      if (v < t.lo * (1 - 1e-9) || v > t.hi * (1 + 1e-9)) continue;
      t.ticks.push_back({v, log_label(m, d, axis.unit, axis.suffix)});
    }
  }
  return t;
}

std::string sig3(double x) {
  const double a = std::abs(x);
  if (a >= 100) return fmt::format("{:.0f}", x);
  if (a >= 10) return fmt::format("{:.1f}", x);
  return fmt::format("{:.2f}", x);
}

}  // namespace

TickSet choose_ticks(double lo, double hi, const Axis& axis, int target) {
  if (axis.min) lo = *axis.min;
  if (axis.max) hi = *axis.max;
  if (axis.scale == Scale::log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) hi = lo * 10;
    return log_ticks(lo, hi, axis);
  }
  if (axis.include_zero && !axis.min && lo > 0) lo = 0;
  if (axis.include_zero && !axis.max && hi < 0) hi = 0;
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.5;
    if (!axis.min) lo -= lo == 0 && !axis.max ? 0 : pad;
    hi = lo + (hi > lo ? hi - lo : pad);
    if (axis.max && !(hi <= *axis.max)) hi = *axis.max;
  }
  return linear_ticks(lo, hi, axis, target);
}

std::string format_value(double v, Unit unit, std::string_view suffix) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::abs(v);
  switch (unit) {
    case Unit::bytes: {
      const DisplayUnit u = display_unit(a, unit, suffix);
      if (u.factor == 1) return fmt::format("{:.0f} B", v);
      return sig3(v / u.factor) + u.unit;
    }
    case Unit::seconds: {
      const DisplayUnit u = display_unit(a, unit, suffix);
      return sig3(v / u.factor) + u.unit;
    }
    case Unit::usd: {
      const std::string sign = v < 0 ? "-" : "";
      if (a >= 1000) return sign + fmt::format("${:.0f}", a);
      if (a >= 1) return sign + fmt::format("${:.2f}", a);
      if (a == 0) return "$0.00";
      const int decimals = std::max(2, 2 - static_cast<int>(std::floor(std::log10(a))));
      return sign + fmt::format("${:.{}f}", a, decimals);
    }
    case Unit::fraction:
      return fmt::format("{:.1f}%", v * 100 + 0.0);
    case Unit::number:
      break;
  }
  if (a != 0 && a < 1e-3)
    return fmt::format("{:.2e}", v) + (suffix.empty() ? "" : " ") + std::string(suffix);
  const DisplayUnit u = display_unit(a, unit, suffix);
  return sig3(v / u.factor) + u.unit;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n') out += static_cast<char>(c);
          if (c == 0x7F) out.pop_back();
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: lead byte, length, and the smallest code point it may encode.
    size_t len = 0;
    uint32_t cp = 0, min_cp = 0;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F, min_cp = 0x80;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F, min_cp = 0x800;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07, min_cp = 0x10000;
    bool ok = len > 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    ok = ok && cp >= min_cp && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE &&
         cp != 0xFFFF;
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

double text_width(std::string_view text, double font_px) {
  double em = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (c >= 0x80) {
      em += 0.65;
    } else if (std::string_view(" .,:;!|'ijlft()[]").find(static_cast<char>(c)) !=
               std::string_view::npos) {
      em += 0.34;
    } else if ((c >= 'A' && c <= 'Z') || c == 'm' || c == 'w' || c == '%' || c == '@') {
      em += 0.76;
    } else {
      em += 0.6;
    }
  }
  return em * font_px;
}

const std::string& palette(size_t i) {
  static const std::array<std::string, 8> colours = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                     "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  return colours[i % colours.size()];
}

}  // namespace kvsim::core::svg
